import { assertAuthConfigured } from '@warren/ingest';
import { createLogger, createObservability, queueStatsFrom } from '@warren/observability';
import { closeServer } from '../runtime/close-server';
import { createRuntime } from '../runtime/create-runtime';
import { embeddedDrops } from '../runtime/embedded-drops';
import { startIngest } from '../runtime/ingest-server';
import { loadConfig } from '../runtime/load-config';
import { onShutdown } from '../runtime/shutdown';

export interface IngestCommandOptions {
  port: number;
  /** Allow the in-memory broker and store when RABBITMQ_URL / REDIS_URL are unset. */
  embedded?: boolean;
  /** Exit 1 if shutdown takes longer (default 30 s). */
  shutdownTimeoutMs?: number;
}

/** `warren ingest`: the production Node ingest; refuses to start without API keys, broker or store. */
export async function ingest(opts: IngestCommandOptions): Promise<void> {
  const config = await loadConfig();
  assertAuthConfigured(config.auth.keys, 'warren ingest');
  const logger = createLogger({ name: 'warren-ingest' });
  const rt = await createRuntime(config, process.env, {
    logger,
    embedded: opts.embedded,
    command: 'warren ingest',
    producerOnly: true,
  });
  const obs = createObservability({
    config,
    logger,
    queueStats: queueStatsFrom(rt.brokers.get(config.region) ?? rt.consumer),
    processMetrics: true,
    roles: ['enqueue'],
  });
  const { server } = await startIngest(config, rt, opts.port, obs);
  // Signals are handled before the start-up lines say we are up (a supervisor may act on them).
  onShutdown(
    async () => {
      // An enqueue in progress gets its publish timeout (and a second) to answer; long-polls are cut.
      await closeServer(server, config.ingest.publishTimeoutMs + 1000);
      const dropped = embeddedDrops(rt.consumer); // --embedded: its jobs end with it
      if (dropped) console.error(dropped);
      await rt.close();
    },
    { deadlineMs: opts.shutdownTimeoutMs },
  );
  console.log(`warren ingest on :${opts.port} (region ${config.region})`);
  for (const line of rt.describe) console.log(`  ${line}`);
  console.log('  /metrics and /status.json need an API key (Bearer); open /dashboard#key=<key>');
}
