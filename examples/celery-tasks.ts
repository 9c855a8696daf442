import { defineTask, type QueueConfigInput } from '@warren/core';
import * as z from 'zod';

/**
 * Celery interop (see examples/python/): two queues speak Celery's message protocol v2.
 * - `celery`: warren's TypeScript worker consumes it, so Python's
 *   `app.send_task('demo.add', args=(2, 3), queue='celery')` runs `demo.add` here.
 * - `python`: no warren consumer; `python3 -m celery -A tasks worker -Q python` runs what lands there.
 * Both are classic queues: Celery 5.2 sets a global QoS, which quorum queues refuse.
 */
export const celeryQueues = {
  celery: { type: 'classic', protocol: 'celery' },
  python: { type: 'classic', protocol: 'celery' },
} satisfies Record<string, QueueConfigInput>;

/** Queues warren's worker consumes beyond those of its own tasks. */
export const celeryWorkerQueues = ['celery'];

/** `{a, b}` → `a * b`, implemented in Python (examples/python/tasks.py): no handler here. */
export const pyMul = defineTask({
  name: 'py.mul',
  queue: 'python',
  input: z.object({ a: z.number(), b: z.number() }),
  output: z.number(),
});

export const celeryTasks = [pyMul];
