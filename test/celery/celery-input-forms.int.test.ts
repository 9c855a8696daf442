import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * A TypeScript task whose input is not a keyword object (a number, an array, an object with an
 * `args` key), on a `protocol: 'celery'` queue consumed by warren's own worker: the input the
 * ingest accepted must reach the handler as it was sent, through the Celery format and back.
 * Real RabbitMQ and Redis; no Python needed (warren on both ends of the Celery queue).
 */
describe('Celery queue: inputs that are not keyword objects', () => {
  let stack: CeleryStack;

  beforeAll(async () => {
    stack = await startCeleryStack();
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
  }, 30_000);

  it.each([
    ['demo.square', 7, 49],
    ['demo.sum', [1, 2, 3], 6],
    ['demo.sum', [5], 5],
    ['demo.cmd', { args: ['ls'] }, 'ls'],
    ['demo.cmd', { args: ['ls', '-l'] }, 'ls -l'],
  ])(
    '%s(%j) runs with its input as sent',
    async (task, input, result) => {
      const res = await fetch(`${stack.base}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task, input }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const rec = await (await fetch(`${stack.base}/v1/jobs/${id}?wait=15s`)).json();
      expect(rec).toMatchObject({ state: 'succeeded', result });
    },
    30_000,
  );
});
