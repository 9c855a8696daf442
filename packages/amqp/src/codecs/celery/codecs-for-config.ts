import type { AnyTask, QueueConfig } from '@warren/core';
import type { MessageCodec } from '../../codec';
import { type CeleryCodecOptions, createCeleryCodec } from './celery-codec';

/** What the codecs need from a WarrenConfig. */
export interface CeleryCodecConfig {
  region: string;
  queues: Record<string, Pick<QueueConfig, 'protocol'>>;
  tasks: ReadonlyMap<string, AnyTask>;
}

/** `createAmqpBroker({ codecs })` for a config: one Celery codec per `protocol: 'celery'` queue. */
export function celeryCodecsFor(
  config: CeleryCodecConfig,
  opts: Pick<CeleryCodecOptions, 'onRefused'> = {},
): Record<string, MessageCodec> {
  const codecs: Record<string, MessageCodec> = {};
  for (const [queue, q] of Object.entries(config.queues)) {
    if (q.protocol === 'celery')
      codecs[queue] = createCeleryCodec({ ...opts, tasks: config.tasks, queue, region: config.region });
  }
  return codecs;
}
