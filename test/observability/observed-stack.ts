import { createProducer, MemoryBroker, MemoryResultStore, type WarrenConfig } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { captureLines, createLogger, createObservability } from '@warren/observability';
import { createClient } from '@warren/sdk';
import { createWorker } from '@warren/worker';
import defaultConfig from '../../warren.config';

/** The embedded stack (memory broker + results) with observability wired the way `warren dev` does it. */
export function observedStack(opts: { config?: WarrenConfig; worker?: boolean } = {}) {
  const config = opts.config ?? defaultConfig;
  const broker = new MemoryBroker();
  const { lines, stream } = captureLines();
  let consuming: readonly string[] = [];
  const obs = createObservability({
    config,
    logger: createLogger({ stream, level: 'debug' }),
    queueStats: (q) => ({ messageCount: broker.depth(q), consumerCount: consuming.includes(q) ? 1 : 0 }),
  });
  const results = obs.results(new MemoryResultStore());
  const worker = createWorker({
    config,
    consumer: broker,
    results,
    onEvent: (e) => obs.executorEvents(e),
    runScope: obs.runScope,
  });
  const producer = createProducer({
    config,
    publishers: new Map([[config.region, broker]]),
    results,
    onEvent: (e) => obs.producerEvents(e),
  });
  obs.useRouter(producer.router);
  const app = createIngestApp({
    config,
    producer,
    results,
    onRequest: obs.onRequest,
    extend: (a) => obs.extend(a),
  });
  const client = createClient({
    url: 'http://warren.test',
    fetch: (i, init) => app.request(String(i), init),
  });
  return {
    broker,
    worker,
    app,
    client,
    obs,
    lines,
    async start() {
      if (opts.worker === false) return;
      await worker.start();
      consuming = worker.queues;
    },
    async stop() {
      await worker.stop(1000);
      await broker.close();
    },
  };
}
