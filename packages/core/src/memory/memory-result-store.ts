import { isTerminal, type JobRecord, type JobState } from '@warren/protocol';
import type { CreationState, ResultStore, TransitionOutcome, TransitionPatch } from '../ports/result-store';
import { applyTransition, type StoredRecord, toPublic } from '../state/apply-transition';
import { keyNames } from '../state/key-names';

/**
 * Result store in process memory: the embedded default and the reference for the contract suite.
 * Expired entries go on the next write after their expiry, read or not (a dev server left running
 * must not keep every job it ever saw): each write queues its key and expiry, and writes drain the
 * queue's expired head, as Redis expires keys without being asked.
 */
export class MemoryResultStore implements ResultStore {
  private readonly records = new Map<string, { rec: StoredRecord; expiresAt: number }>();
  private readonly keys = new Map<string, { id: string; expiresAt: number }>();
  private readonly expiries = new ExpiryQueue();

  constructor(private readonly defaultTtlS = 86_400) {}

  /** Live records and idempotency keys held (expired ones not yet swept included). */
  get size(): number {
    return this.records.size + this.keys.size;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const hit = this.live(this.records, id);
    return hit ? structuredClone(toPublic(hit.rec)) : undefined;
  }

  async transition(id: string, to: JobState, patch: TransitionPatch = {}): Promise<TransitionOutcome> {
    const now = Date.now();
    const { outcome, next } = applyTransition(this.live(this.records, id)?.rec, id, to, asJson(patch), now);
    if (next) {
      const expiresAt = now + (patch.ttlS ?? this.defaultTtlS) * 1000;
      this.records.set(id, { rec: next, expiresAt });
      this.expiries.add(this.records, id, expiresAt, now);
      if (next.idempotencyKey) this.followKey(next.idempotencyKey, id, expiresAt, now, isTerminal(to));
    }
    return structuredClone(outcome);
  }

  /**
   * The job's idempotency key, when it names the job, follows its record: no longer than the
   * finished record, at least as long as the record of a job still on its way (the Redis script's
   * followKey).
   */
  private followKey(key: string, id: string, expiresAt: number, now: number, finished: boolean): void {
    const hit = this.live(this.keys, key);
    if (!hit || !keyNames(hit.id, id)) return;
    if (finished ? hit.expiresAt <= expiresAt : hit.expiresAt >= expiresAt) return;
    hit.expiresAt = expiresAt;
    this.expiries.add(this.keys, key, expiresAt, now);
  }

  async create(id: string, state: CreationState, patch: TransitionPatch = {}): Promise<TransitionOutcome> {
    const existing = this.live(this.records, id)?.rec;
    if (existing) {
      const reason = isTerminal(existing.state) ? 'already-finished' : 'illegal';
      return { ok: false, reason, state: existing.state };
    }
    // A creation is no retry mark and no start of an existing record (the Redis create script has
    // neither argument).
    const out = await this.transition(id, state, {
      ...patch,
      nextAttempt: undefined,
      ifExists: undefined,
      returnRecord: false,
    });
    return out.ok ? { ok: true, from: undefined } : out;
  }

  async claimIdempotencyKey(key: string, id: string, ttlS: number): Promise<string> {
    const hit = this.live(this.keys, key);
    if (hit) return hit.id;
    const now = Date.now();
    const expiresAt = now + ttlS * 1000;
    this.keys.set(key, { id, expiresAt });
    this.expiries.add(this.keys, key, expiresAt, now);
    return id;
  }

  async releaseIdempotencyKey(key: string, id: string): Promise<void> {
    if (this.keys.get(key)?.id === id) this.keys.delete(key);
  }

  async close(): Promise<void> {}

  private live<V extends { expiresAt: number }>(map: Map<string, V>, key: string): V | undefined {
    const v = map.get(key);
    if (v && v.expiresAt <= Date.now()) {
      map.delete(key);
      return undefined;
    }
    return v;
  }
}

/**
 * The patch as the Redis store would keep it: a JSON copy. structuredClone accepted a BigInt or a
 * cycle (then every JSON reply with the record failed) and kept Dates; a value JSON cannot encode
 * now rejects the transition, as it does on Redis.
 */
const asJson = (patch: TransitionPatch): TransitionPatch => JSON.parse(JSON.stringify(patch));

type Expiring = Map<string, { expiresAt: number }>;

/**
 * Keys in write order with the expiry each write gave them. Draining stops at the first entry
 * not yet due, so an entry with a long TTL holds back shorter ones behind it until it is due:
 * memory stays bounded by the longest TTL's worth of writes. An entry whose key was rewritten
 * since (a later expiry) or deleted is skipped; the later write queued its own entry.
 */
class ExpiryQueue {
  private entries: { map: Expiring; key: string; at: number }[] = [];
  private head = 0;

  add(map: Expiring, key: string, at: number, now: number): void {
    this.entries.push({ map, key, at });
    this.drain(now);
  }

  private drain(now: number): void {
    const { entries } = this;
    while (this.head < entries.length && entries[this.head]!.at <= now) {
      const { map, key, at } = entries[this.head++]!;
      if (map.get(key)?.expiresAt === at) map.delete(key);
    }
    // Drop the drained prefix once it is most of the array, so the array stays O(live entries).
    if (this.head > 1024 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
  }
}
