/**
 * A worker process for the Node sides (raw, BullMQ, warren), started once per kind and driven
 * over IPC: `start` a worker of a kind on a fresh round's queue, report `done` when the
 * expected number of results is stored, `stop` it. Keeping the process between rounds keeps
 * tsx start-up out of the measured time and out of the bench budget. The worker runs in its own
 * process so producer and worker use both cores, as Celery's and any real deployment would.
 */
import { EventEmitter } from 'node:events';
import { formatProfile, type ProfileSummary, startProfile } from '../lib/profile';
import { now, type Round } from './common';

export interface StartMsg {
  type: 'start';
  kind: 'raw' | 'bullmq' | 'warren';
  round: Round;
  expect: number;
  latency: boolean;
  /** Write a CPU profile of the worker to this file while it runs. */
  profile?: string;
}
export type HostReport =
  | { type: 'ready' }
  | { type: 'progress'; count: number }
  | { type: 'done'; doneAt: number; latencies: number[]; profile?: ProfileSummary; profileText?: string }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

export type StartWorker = (
  round: Round,
  onResult: (t0?: number) => void,
) => Promise<{ stop(): Promise<void> }>;

// The sides' clients add listeners per connection and channel; Node warns past 10 on one
// emitter, which is noise here (every round closes what it opened).
EventEmitter.defaultMaxListeners = 1000;

const send = (m: HostReport) => process.send?.(m);
let handle: { stop(): Promise<void> } | undefined;
let ticker: NodeJS.Timeout | undefined;

async function start(msg: StartMsg): Promise<void> {
  const mod = (await import(`./${msg.kind}-worker.ts`)) as { startWorker: StartWorker };
  const prof = msg.profile ? await startProfile() : undefined;
  let count = 0;
  const latencies: number[] = [];
  ticker = setInterval(() => send({ type: 'progress', count }), 250);
  handle = await mod.startWorker(msg.round, (t0) => {
    const t = now();
    count++;
    if (msg.latency && t0 !== undefined) latencies.push(t - t0);
    if (count === msg.expect) {
      clearInterval(ticker);
      void (async () => {
        const profile = prof && msg.profile ? await prof.stop(msg.profile) : undefined;
        send({
          type: 'done',
          doneAt: t,
          latencies,
          profile,
          profileText: profile && formatProfile(`worker (${msg.kind})`, profile),
        });
      })();
    }
  });
  send({ type: 'ready' });
}

process.on('message', (msg: StartMsg | { type: 'stop' }) => {
  const run = async () => {
    if (msg.type === 'start') await start(msg);
    else {
      clearInterval(ticker);
      await handle?.stop();
      handle = undefined;
      send({ type: 'stopped' });
    }
  };
  run().catch((err) => send({ type: 'error', message: String(err?.stack ?? err) }));
});
process.on('disconnect', () => process.exit(0));
