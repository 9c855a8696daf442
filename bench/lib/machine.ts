import { cpus, totalmem } from 'node:os';
import amqp from 'amqplib';
import { Redis } from 'ioredis';

export const AMQP_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface MachineInfo {
  cores: number;
  cpu: string;
  memGb: number;
  node: string;
  platform: string;
  rabbitmq: string;
  redis: string;
}

/** Server version from the AMQP connection.start properties (no rabbitmqctl, no Erlang VM boot). */
async function rabbitVersion(): Promise<string> {
  try {
    const conn = await amqp.connect(AMQP_URL);
    const props = (conn as unknown as { connection: { serverProperties?: Record<string, unknown> } })
      .connection.serverProperties;
    await conn.close();
    return `${props?.product ?? 'RabbitMQ'} ${props?.version ?? '?'}`;
  } catch (err) {
    return `unreachable (${(err as Error).message})`;
  }
}

async function redisVersion(): Promise<string> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    const persistence = await redis.info('persistence');
    const v = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    const aof = /aof_enabled:(\d)/.exec(persistence)?.[1] === '1' ? 'AOF on' : 'AOF off';
    return `Redis ${v} (${aof})`;
  } catch (err) {
    return `unreachable (${(err as Error).message})`;
  } finally {
    redis.disconnect();
  }
}

export async function describeMachine(): Promise<MachineInfo> {
  const [rabbitmq, redis] = await Promise.all([rabbitVersion(), redisVersion()]);
  const c = cpus();
  return {
    cores: c.length,
    cpu: c[0]?.model.trim() ?? 'unknown',
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    rabbitmq,
    redis,
  };
}

export function formatMachine(m: MachineInfo): string {
  return [
    `machine   ${m.cores} cores · ${m.cpu} · ${m.memGb} GB · ${m.platform}`,
    `software  Node ${m.node} · ${m.rabbitmq} · ${m.redis}`,
  ].join('\n');
}
