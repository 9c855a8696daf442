import { isTerminal, type JobRecord, type JobState } from '@warren/protocol';
import type { CreationState, ResultStore, TransitionOutcome, TransitionPatch } from '../ports/result-store';
import { applyTransition, type StoredRecord, toPublic } from '../state/apply-transition';

/** Result store in process memory: the embedded default and the reference for the contract suite. */
export class MemoryResultStore implements ResultStore {
  private readonly records = new Map<string, { rec: StoredRecord; expiresAt: number }>();
  private readonly keys = new Map<string, { id: string; expiresAt: number }>();

  constructor(private readonly defaultTtlS = 86_400) {}

  async get(id: string): Promise<JobRecord | undefined> {
    const hit = this.live(this.records, id);
    return hit ? structuredClone(toPublic(hit.rec)) : undefined;
  }

  async transition(id: string, to: JobState, patch: TransitionPatch = {}): Promise<TransitionOutcome> {
    const now = Date.now();
    const { outcome, next } = applyTransition(
      this.live(this.records, id)?.rec,
      id,
      to,
      structuredClone(patch),
      now,
    );
    if (next) this.records.set(id, { rec: next, expiresAt: now + (patch.ttlS ?? this.defaultTtlS) * 1000 });
    return structuredClone(outcome);
  }

  async create(id: string, state: CreationState, patch: TransitionPatch = {}): Promise<TransitionOutcome> {
    const existing = this.live(this.records, id)?.rec;
    if (existing) {
      const reason = isTerminal(existing.state) ? 'already-finished' : 'illegal';
      return { ok: false, reason, state: existing.state };
    }
    const out = await this.transition(id, state, { ...patch, returnRecord: false });
    return out.ok ? { ok: true, from: undefined } : out;
  }

  async claimIdempotencyKey(key: string, id: string, ttlS: number): Promise<string> {
    const hit = this.live(this.keys, key);
    if (hit) return hit.id;
    this.keys.set(key, { id, expiresAt: Date.now() + ttlS * 1000 });
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
