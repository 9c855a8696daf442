import { randomUUID } from 'node:crypto';
import net from 'node:net';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshQueue, publishMany, until } from '../../../test/forwarder/support';
import { ForwardLink } from './link';
import { sqsSink } from './sqs-sink';

// An "SQS endpoint" that accepts connections and never answers (a black-holed proxy, a hung LB).
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const src = `fx-fwd-hang-src-${sfx}`;
const sockets: net.Socket[] = [];
const server = net.createServer((s) => {
  sockets.push(s);
  s.on('error', () => {});
});
let endpoint = '';
const links: ForwardLink[] = [];

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  await freshQueue(URL, src);
  await publishMany(URL, src, 5, 'h');
});

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop(500)));
  for (const s of sockets) s.destroy();
  server.close();
  const conn = await amqp.connect(URL);
  await (await conn.createChannel()).deleteQueue(src).catch(() => {});
  await conn.close();
});

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms),
    ),
  ]);

const events = { confirmed: () => {}, rejected: () => {}, failed: () => {} };

describe('an SQS endpoint that never answers', () => {
  it('the sink gives up on its requests (request timeout)', async () => {
    const open = sqsSink(
      { kind: 'sqs', queueUrl: `${endpoint}/000000000000/q`, endpoint },
      { requestTimeoutMs: 300, connectionTimeoutMs: 300 },
    );
    await expect(within(open(events), 5000, 'sink open')).rejects.toThrow(/timeout/i);
  });

  it('a link still starting restarts after its start timeout, and stop() returns', async () => {
    const link = new ForwardLink({
      name: `fx-fwd-hang-${sfx}`,
      source: { urls: [URL], queue: src, region: 'A' },
      destination: { kind: 'sqs', queueUrl: `${endpoint}/000000000000/q`, endpoint },
      startTimeoutMs: 1000,
      backoffMaxMs: 200,
    });
    links.push(link);
    link.start();
    await until(() => link.status().restarts > 0, 6000, 'a restart').catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(link.status())}`);
    });
    expect(link.status().lastError).toMatch(/start: not started within 1000 ms/);
    await until(() => link.status().state === 'starting', 3000, 'starting again');
    await within(link.stop(500), 3000, 'stop()');
    expect(link.status().state).toBe('stopped');
  });
});
