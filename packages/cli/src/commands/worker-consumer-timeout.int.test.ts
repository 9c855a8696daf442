import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const Q = 'h54-fx-long-task';

afterAll(async () => {
  const c = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await c.createChannel();
  for (const q of [Q, `${Q}.dlq`]) await ch.deleteQueue(q);
  await c.close();
});

/** The real CLI on the shared broker; killed once it says it is consuming. */
function worker(): Promise<string> {
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'worker'], {
    cwd: ROOT,
    env: {
      ...process.env,
      WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-long-task.config.ts'),
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
      REDIS_URL: 'redis://127.0.0.1:6379',
      WARREN_REDIS_PREFIX: 'h54-fx-long-task:',
    },
  });
  let out = '';
  return new Promise((done) => {
    const on = (b: Buffer) => {
      out += b;
      if (/consuming/.test(out)) child.kill('SIGKILL');
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', () => done(out));
  });
}

describe('warren worker with a task longer than RabbitMQ consumer_timeout', () => {
  it('warns at start, naming the task and the setting to raise', async () => {
    // A run past the broker's consumer_timeout (30 min by default) has its channel closed
    // mid-run; nothing said so at start.
    const out = await worker();
    const warnings = out.split('\n').filter((l) => l.includes('consumer_timeout'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /"level":"warn".*task fx\.long may run up to 45 min.*consumer_timeout = 2760000/,
    );
    expect(out).toMatch(/consuming h54-fx-long-task/);
  }, 30_000);
});
