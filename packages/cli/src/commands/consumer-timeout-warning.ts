import type { WarrenConfig } from '@warren/core';

/** RabbitMQ's default `consumer_timeout` (3.8.15 and later): how long a delivery may stay unacked. */
export const RABBITMQ_CONSUMER_TIMEOUT_MS = 30 * 60_000;

/**
 * One warning per consumed task whose timeout is longer than RabbitMQ's default consumer_timeout.
 * The worker acks after the run (acks_late), so a run past it has its channel closed by the
 * broker mid-run ('PRECONDITION_FAILED - delivery acknowledgement on channel N timed out'), and
 * every delivery of that channel goes back to the queue. Jobs are still recorded once (the
 * copies wait behind their runs' leases), but nothing said why at start. The broker's setting
 * cannot be read over AMQP, so this names the default.
 */
export function consumerTimeoutWarnings(config: WarrenConfig, queues: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of config.tasks.values()) {
    if (!t.handler || !queues.includes(t.queue) || t.timeoutMs <= RABBITMQ_CONSUMER_TIMEOUT_MS) continue;
    const min = Math.ceil(t.timeoutMs / 60_000);
    out.push(
      `task ${t.name} may run up to ${min} min (timeoutMs ${t.timeoutMs}), longer than RabbitMQ's default consumer_timeout (30 min): ` +
        `unless the broker's is raised above it (rabbitmq.conf: consumer_timeout = ${t.timeoutMs + 60_000}), a run past 30 min gets its channel closed ` +
        `('delivery acknowledgement timed out') and that channel's deliveries go back to the queue`,
    );
  }
  return out;
}
