import {
  type AmqpBroker,
  cancelOnCeleryRevoke,
  listenForCeleryRevokes,
  RevokedIds,
  type RevokeListener,
  skipRevokedCeleryTasks,
} from '@warren/amqp';
import type { ResultStore, WarrenConfig } from '@warren/core';
import type { Logger } from '@warren/observability';

/**
 * Celery revokes for a process that runs a worker (`warren worker`, `warren dev`): a Celery
 * client's `AsyncResult.revoke()` / `app.control.revoke()` of a task on a Celery queue the worker
 * consumes is heard on `celery.pidbox` as a Celery worker hears it; without it the task ran anyway.
 * `store` wraps the worker's result store (a delivery of a revoked job is cancelled, not run);
 * `listen` starts hearing once the worker consumes, when it consumes a Celery queue on RabbitMQ.
 */
export function celeryRevokes(
  config: WarrenConfig,
  results: ResultStore,
  broker: Pick<AmqpBroker, 'nodes'> | undefined,
  logger: Pick<Logger, 'warn'>,
) {
  const revoked = new RevokedIds();
  return {
    store: (worker: ResultStore): ResultStore => skipRevokedCeleryTasks(worker, revoked, config),
    async listen(queues: readonly string[]): Promise<RevokeListener | undefined> {
      if (!broker || !queues.some((q) => config.queues[q]?.protocol === 'celery')) return undefined;
      const listener = listenForCeleryRevokes({
        urls: broker.nodes().map((n) => n.url),
        onRevoke: cancelOnCeleryRevoke(config, results, revoked),
        onError: (err) => logger.warn({ err }, 'Celery revoke listener'),
      });
      // Listening once the worker says it consumes, unless the broker is slow (it keeps trying).
      await Promise.race([listener.ready, new Promise((r) => setTimeout(r, 5000).unref())]);
      return listener;
    },
  };
}
