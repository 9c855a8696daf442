import { defineConfig } from '@warren/core';
import { adHocLink, createForwarder, type LinkSpec, linksFromConfig } from '@warren/forwarder';
import { createLogger, createObservability, serveStatus } from '@warren/observability';
import { adHocQueueType } from '../runtime/ad-hoc-queue-type';
import { forwarderLog } from '../runtime/forwarder-log';
import { linkStatusLog } from '../runtime/link-status-log';
import { loadConfig } from '../runtime/load-config';
import { onShutdown } from '../runtime/shutdown';

export interface ForwardCommandOptions {
  from?: string[];
  queue?: string;
  to?: string[];
  toQueue?: string;
  toExchange?: string;
  prefetch?: number;
  /** Confirm channels per AMQP destination (default 8; 1 keeps the source's order). */
  publishChannels?: number;
  /** Config mode: only links whose source is in this region. */
  region?: string;
  /** Serve /metrics and /status.json on this port. */
  metricsPort?: number;
  /** SQS endpoint override (local-aws-sqs); AWS otherwise. */
  sqsEndpoint?: string;
  name?: string;
  /** Ad-hoc mode: the source queue's type (default: the config's, else what the broker says). */
  queueType?: 'quorum' | 'classic';
  /** Exit 1 if shutdown takes longer (default 30 s). */
  shutdownTimeout?: number;
}

/**
 * `warren forward`: the links the config implies (home regions, SQS bridges), or one ad-hoc link
 * with `--from <amqp-urls> --queue <q> --to <amqp-urls|sqs-queue-url>`. Runs until SIGTERM, then
 * stops consuming and settles in-flight messages before closing.
 */
export async function forward(o: ForwardCommandOptions): Promise<void> {
  const logger = createLogger({ name: 'warren-forwarder' });
  const adHoc = o.from || o.to || o.queue;
  let links: LinkSpec[];
  let config: Awaited<ReturnType<typeof loadConfig>>;
  // A flag of the other mode was ignored without a word (the exchange won over --to-queue).
  const refuse = (message: string) => {
    throw new Error(`warren forward: ${message}`);
  };
  if (o.toQueue && o.toExchange) refuse('--to-queue and --to-exchange are two destinations: pass one');
  if (adHoc) {
    if (!o.from || !o.queue || !o.to) throw new Error('warren forward: --from, --queue and --to go together');
    if (o.region) refuse("--region applies to the config's links only, not to an ad-hoc link");
    const qt = await adHocQueueType({ from: o.from, queue: o.queue, queueType: o.queueType });
    links = [adHocLink({ ...o, from: o.from, queue: o.queue, to: o.to, queueType: qt.type })];
    console.log(`warren forward: source queue ${o.queue} is ${qt.type} (${qt.from})`);
    config = defineConfig({ tasks: [] });
  } else {
    for (const [flag, set] of [
      ['--to-queue', o.toQueue],
      ['--to-exchange', o.toExchange],
      ['--queue-type', o.queueType],
    ] as const)
      if (set) refuse(`${flag} applies to an ad-hoc link (--from, --queue, --to) only`);
    config = await loadConfig();
    const regions = config.regions.map((r) => r.id);
    // A misspelt --region filtered every link out, and the error below blamed the config.
    if (o.region && !regions.includes(o.region))
      throw new Error(
        `warren forward: --region ${o.region} is not one of the config's regions (${regions.join(', ')})`,
      );
    const all = linksFromConfig(config, {
      prefetch: o.prefetch,
      publishChannels: o.publishChannels,
      sqsEndpoint: o.sqsEndpoint,
    });
    links = o.region ? all.filter((l) => l.source.region === o.region) : all;
    if (links.length === 0 && all.length > 0) {
      const from = [...new Set(all.map((l) => l.source.region))].join(', ');
      throw new Error(
        `warren forward: the config implies no links from region ${o.region} (links leave ${from})`,
      );
    }
    if (links.length === 0) {
      throw new Error(
        'warren forward: the config implies no links (no queue with homeRegion or sqs, or no regions with brokers); use --from/--queue/--to for an ad-hoc link',
      );
    }
  }
  const fwd = createForwarder(links, { log: forwarderLog(logger) });
  let server: { close(cb: () => void): void } | undefined;
  if (o.metricsPort) {
    const obs = createObservability({
      config,
      logger,
      roles: [], // a forwarder neither enqueues nor runs jobs: no job series
      linkStatus: () =>
        fwd.status().map((s) => ({
          name: s.name,
          source: s.source,
          destination: s.destination,
          forwarded: s.forwarded,
          inFlight: s.inFlight,
          // Probed only while the link runs: otherwise unknown (it was 0, or the last figure).
          lag: s.state === 'running' ? s.lag : undefined,
          state: s.state,
          deadLettered: s.deadLettered,
          restarts: s.restarts,
        })),
    });
    // Bound before any link starts: a port in use ended the process (exit 1) with links running,
    // their confirmed but unacked messages then forwarded a second time.
    server = await serveStatus(obs, o.metricsPort);
  }
  fwd.start();
  console.log(`warren forward: ${links.length} link(s)`);
  for (const s of fwd.status()) console.log(`  ${s.name}: ${s.source} → ${s.destination}`);
  if (o.metricsPort) console.log(`  /metrics and /status.json on :${o.metricsPort}`);
  const timer = setInterval(() => {
    for (const s of fwd.status()) {
      const { level, fields } = linkStatusLog(s);
      logger[level](fields, 'link status');
    }
  }, 30_000);
  timer.unref();
  onShutdown(
    async () => {
      clearInterval(timer);
      await fwd.stop(10_000);
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    },
    { deadlineMs: o.shutdownTimeout },
  );
}
