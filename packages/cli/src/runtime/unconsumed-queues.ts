import type { WarrenConfig } from '@warren/core';

/**
 * `warren dev` on the in-memory broker: the queues its tasks go to that its worker leaves out
 * (`worker.queues`), said at start. Nothing else can reach that broker, so their jobs are taken
 * (202) and stay queued for ever; on RabbitMQ another worker may well consume them.
 */
export function unconsumedQueuesWarning(
  config: WarrenConfig,
  consumed: readonly string[],
): string | undefined {
  const idle = new Map<string, string[]>();
  for (const task of config.tasks.values())
    if (!consumed.includes(task.queue)) idle.set(task.queue, [...(idle.get(task.queue) ?? []), task.name]);
  if (idle.size === 0) return undefined;
  const named = [...idle].map(([queue, tasks]) => `queue ${queue} (${tasks.join(', ')})`).join(', ');
  return `⚠ no worker here consumes ${named}: no other worker can reach the in-memory broker, so their jobs are accepted and never run (add the queue to worker.queues, or set RABBITMQ_URL for a broker other workers share)`;
}
