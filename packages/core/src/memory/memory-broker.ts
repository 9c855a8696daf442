import { type JobEnvelope, parseEnvelope, QueueFullError, TransportError } from '@warren/protocol';
import { msUntil } from '../ms-until';
import type { ConsumeOptions, Consumer, Delivery, DeliveryHandler, Subscription } from '../ports/consumer';
import type { Publisher, PublishOptions } from '../ports/publisher';
import { ReadyQueue } from './ready-queue';

interface Message {
  body: string;
  redelivered: boolean;
  /** 0 unless the queue has priorities; capped at its maxPriority, as RabbitMQ caps it. */
  priority: number;
  /** When it first entered its queue (ms): what the queue's messageTtlMs counts from. */
  at?: number;
}

/** The parts of a queue's config (`config.queues[name]`) this broker honours. */
export interface MemoryQueueSpec {
  /** Publishes past it are refused (QueueFullError, HTTP 429), as `x-overflow: reject-publish` does. */
  maxLength?: number;
  /** Ready messages go out highest priority first (a message without one is 0). */
  maxPriority?: number;
  /**
   * A message not handed out within it is dead-lettered (reason `expired`) from the head of the
   * queue, as RabbitMQ's `x-message-ttl` does. (The envelope's expiresAt, set from it at enqueue,
   * is what the record and the worker go by.)
   */
  messageTtlMs?: number;
}

/** setTimeout's longest wait (2^31 - 1 ms, ~24.8 days): a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** Dead letters kept per queue (the newest): nothing reads them but tests and tools in-process. */
const MAX_DEAD_LETTERS = 1000;

/** How often a due delayed message looks again for room in its full queue. */
const FULL_RECHECK_MS = 100;

interface ConsumerSlot {
  handler: DeliveryHandler;
  prefetch: number;
  inFlight: number;
  open: boolean;
}

interface QueueState {
  ready: ReadyQueue<Message>;
  consumers: ConsumerSlot[];
  next: number;
}

export interface DeadLetter {
  body: string;
  reason: string;
  at: string;
}

const unref = (t: unknown) => (t as { unref?: () => void }).unref?.();

/**
 * A broker in process memory with the same semantics the RabbitMQ adapter has: bodies travel as
 * JSON text, delays, prefetch, redelivery of released messages, `<queue>.dlq` with reasons.
 */
export class MemoryBroker implements Publisher, Consumer {
  private readonly queues = new Map<string, QueueState>();
  private readonly dead = new Map<string, DeadLetter[]>();
  /** Messages waiting on a timer: true for a delay, false for a hand-back (due at once). */
  private readonly timers = new Map<ReturnType<typeof setTimeout>, boolean>();
  private closed = false;

  /**
   * `queues`: config.queues (maxLength and maxPriority honoured, looked up at each publish);
   * `maxLength`: limits by queue name (tests).
   */
  constructor(
    private readonly opts: {
      queues?: Record<string, MemoryQueueSpec>;
      maxLength?: Record<string, number>;
    } = {},
  ) {}

  async publish(queue: string, job: JobEnvelope, opts: PublishOptions = {}): Promise<void> {
    this.publishRaw(queue, JSON.stringify(job), opts.delayMs, job.priority);
  }

  /** Publishes any text, valid envelope or not (tests use it for poison messages). */
  publishRaw(queue: string, body: string, delayMs = 0, priority?: number): void {
    if (this.closed) throw new TransportError('memory broker is closed', false);
    // Before, config.queues never reached this broker: `warren dev` took any number of jobs for
    // a queue with maxLength (RabbitMQ answers 429) and ran a priority queue in arrival order.
    // A delayed one waits outside the queue, as in RabbitMQ's delay tiers: never refused here.
    if (delayMs <= 0 && this.full(queue)) throw new QueueFullError(queue);
    const max = this.opts.queues?.[queue]?.maxPriority ?? 0;
    const msg = { body, redelivered: false, priority: Math.min(max, priority ?? 0) };
    if (delayMs > 0) this.later(queue, msg, delayMs);
    else this.enqueue(queue, msg);
  }

  /** At its maxLength: only ready messages count, as in RabbitMQ (not those handed out). */
  private full(queue: string): boolean {
    const limit = this.opts.maxLength?.[queue] ?? this.opts.queues?.[queue]?.maxLength;
    return limit !== undefined && this.queue(queue).ready.length >= limit;
  }

  async consume(queue: string, handler: DeliveryHandler, opts: ConsumeOptions = {}): Promise<Subscription> {
    const slot: ConsumerSlot = { handler, prefetch: opts.prefetch ?? 16, inFlight: 0, open: true };
    this.queue(queue).consumers.push(slot);
    queueMicrotask(() => this.dispatch(queue));
    return {
      close: async () => {
        slot.open = false;
        const q = this.queue(queue);
        q.consumers = q.consumers.filter((c) => c !== slot);
      },
    };
  }

  depth(queue: string): number {
    if (this.queues.has(queue)) this.dropExpired(queue);
    return this.queues.get(queue)?.ready.length ?? 0;
  }

  /** The queue's newest dead letters (at most 1,000), oldest first. */
  deadLetters(queue: string): readonly DeadLetter[] {
    return this.dead.get(queue) ?? [];
  }

  /**
   * Messages it holds: queued (ready, or handed back and about to be) and delayed. Whatever it
   * holds at close() is gone with the process: `warren dev` says how many.
   */
  pending(): { queued: number; delayed: number } {
    let queued = 0;
    let delayed = 0;
    for (const q of this.queues.values()) queued += q.ready.length;
    for (const isDelay of this.timers.values()) isDelay ? delayed++ : queued++;
    return { queued, delayed };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.keys()) clearTimeout(t);
    this.timers.clear();
    for (const q of this.queues.values()) for (const c of q.consumers) c.open = false;
  }

  private queue(name: string): QueueState {
    let q = this.queues.get(name);
    if (!q) {
      q = { ready: new ReadyQueue<Message>(), consumers: [], next: 0 };
      this.queues.set(name, q);
    }
    return q;
  }

  private enqueue(queue: string, msg: Message, front = false): void {
    if (this.closed) return;
    msg.at ??= Date.now();
    this.queue(queue).ready.insert(msg, front);
    this.dispatch(queue);
  }

  /**
   * Enqueues `msg` in `delayMs`. A delay past the timer's limit waits in steps: one timer for
   * all of it fired after 1 ms, so a 30-day delay without a notBefore ran at once, and one with
   * it looped every millisecond (a TimeoutOverflowWarning on stderr each time) for 30 days.
   */
  private later(queue: string, msg: Message, delayMs: number, front = false): void {
    const step = Math.min(delayMs, MAX_TIMER_MS);
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (step < delayMs) this.later(queue, msg, delayMs - step);
      // Due but the queue is full: it waits for room, as RabbitMQ's at-least-once dead-lettering
      // from a delay tier does (a hand-back goes in regardless, as a requeue does).
      else if (delayMs > 0 && this.full(queue)) this.later(queue, msg, FULL_RECHECK_MS);
      else this.enqueue(queue, msg, front);
    }, step);
    unref(t);
    this.timers.set(t, delayMs > 0);
  }

  private deadLetter(queue: string, body: string, reason: string): void {
    const list = this.dead.get(queue) ?? [];
    list.push({ body, reason, at: new Date().toISOString() });
    // Bounded: every letter (input included, up to the ingest's 256 KiB) was kept for the life
    // of the process, while the records the store holds expire after a day.
    if (list.length > MAX_DEAD_LETTERS) list.shift();
    this.dead.set(queue, list);
  }

  /** Messages past the queue's messageTtlMs at its head, dead-lettered as RabbitMQ does. */
  private dropExpired(queue: string): void {
    const ttl = this.opts.queues?.[queue]?.messageTtlMs;
    if (ttl === undefined) return;
    const ready = this.queue(queue).ready;
    const now = Date.now();
    while (ready.length > 0 && now - (ready.peek()!.at ?? now) >= ttl)
      this.deadLetter(queue, ready.shift()!.body, 'expired');
  }

  /** Round-robin over consumers with spare prefetch, like RabbitMQ's basic.qos. */
  private dispatch(queue: string): void {
    const q = this.queue(queue);
    this.dropExpired(queue);
    while (q.ready.length > 0 && !this.closed) {
      const open = q.consumers.filter((c) => c.open && c.inFlight < c.prefetch);
      if (open.length === 0) return;
      const slot = open[q.next++ % open.length]!;
      const msg = q.ready.shift()!;
      const parsed = parseEnvelope(msg.body);
      if (!parsed.ok) {
        this.deadLetter(queue, msg.body, parsed.reason);
        continue;
      }
      // Held until its notBefore, as the RabbitMQ and SQS consumers hold it (a job published
      // without the matching delay, e.g. straight to the broker): never handed out early.
      const wait = msUntil(parsed.job.notBefore);
      if (wait > 0) {
        this.later(queue, msg, wait);
        continue;
      }
      slot.inFlight++;
      this.deliver(queue, slot, msg, parsed.job);
    }
  }

  private deliver(queue: string, slot: ConsumerSlot, msg: Message, job: JobEnvelope): void {
    let settled = false;
    const settle = (fn: () => void) => async () => {
      if (settled) throw new Error('delivery already settled');
      // A retry or defer the queue refuses (full, broker closed) throws here and leaves the
      // delivery unsettled, so it is handed back: settled first, the message was lost and its
      // prefetch slot never freed, which stalled the consumer.
      fn();
      settled = true;
      slot.inFlight--;
      queueMicrotask(() => this.dispatch(queue));
    };
    const delivery: Delivery = {
      job,
      attempt: job.attempt,
      redelivered: msg.redelivered,
      ack: settle(() => {}),
      retry: async (delayMs) => {
        const next = JSON.stringify({ ...job, attempt: job.attempt + 1 });
        await settle(() => this.publishRaw(queue, next, delayMs, job.priority))();
      },
      defer: async (delayMs) => settle(() => this.publishRaw(queue, msg.body, delayMs, job.priority))(),
      deadLetter: async (reason) => settle(() => this.deadLetter(queue, msg.body, reason))(),
      // Requeued on a macrotask so a handler that always rejects cannot starve the event loop.
      release: async () => settle(() => this.later(queue, { ...msg, redelivered: true }, 0, true))(),
    };
    slot.handler(delivery).then(undefined, () => {
      if (!settled) void delivery.release();
    });
  }
}
