import type { BenchSide } from '../lib/types';
import { bullmqProducer } from './bullmq';
import { celerySide } from './celery';
import { nodeSide, type SideRunner } from './pipeline';
import { rawProducer } from './raw';
import { warrenSide } from './warren';
import { WARREN_CONCURRENCY } from './warren-config';

/** Side names (also the keys of per-side goals) and each one's durability at acknowledge time. */
export const SIDES = {
  warren: {
    name: `warren (SDK direct, worker c${WARREN_CONCURRENCY})`,
    durability: 'quorum confirm (fsync)',
  },
  warrenMany: { name: 'warren SDK direct enqueueMany ×1000', durability: 'quorum confirm (fsync)' },
  raw: { name: 'raw amqplib+ioredis (limit)', durability: 'quorum confirm (fsync)' },
  bullmq: { name: 'BullMQ 6.7 (Worker c50)', durability: 'Redis reply, no fsync' },
  bullmqAdd: { name: 'BullMQ 6.7 add ×100 in flight', durability: 'Redis reply, no fsync' },
  bullmqBulk: { name: 'BullMQ 6.7 addBulk ×1000', durability: 'Redis reply, no fsync' },
  celery: { name: 'Celery 5.2 (prefork c2)', durability: 'classic confirm (fsync)' },
} as const;

type Which = 'throughput' | 'latency' | 'enqueue';

/** Wraps a SideRunner as a BenchSide measuring one thing. */
export function side(
  key: keyof typeof SIDES,
  role: BenchSide['role'],
  make: () => SideRunner,
  which: Which,
): BenchSide {
  let runner: SideRunner | undefined;
  return {
    ...SIDES[key],
    role,
    async setup(ctx) {
      runner = make();
      await runner.setup?.(ctx);
    },
    async teardown() {
      await runner?.teardown?.();
    },
    run: (ctx) => runner![which](ctx),
  };
}

export const makers = {
  warren: () => warrenSide(),
  warrenMany: () => warrenSide('many'),
  raw: () => nodeSide('raw', () => rawProducer()),
  bullmqBulk: () => nodeSide('bullmq', () => bullmqProducer('bulk')),
  bullmqAdd: () => nodeSide('bullmq', () => bullmqProducer('add')),
  celery: () => celerySide(),
};
