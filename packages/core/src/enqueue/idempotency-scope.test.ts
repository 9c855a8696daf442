import { parseEnvelope } from '@warren/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../config/define-config';
import { defineTask } from '../task/define-task';
import { buildEnvelope } from './build-envelope';
import { clientIdempotencyKey, idempotencyScopeOf, scopedIdempotencyKey } from './idempotency-scope';

describe('idempotency scope', () => {
  it('derives from the key (or its name), the same for a config loaded again, never holding it', async () => {
    const a = await idempotencyScopeOf({ key: 'client-a-key-0123456789' });
    expect(a).toMatch(/^ak_[\w-]{16}$/);
    expect(a).toBe(await idempotencyScopeOf({ key: 'client-a-key-0123456789' }));
    expect(a).not.toBe(await idempotencyScopeOf({ key: 'client-b-key-0123456789' }));
    // A named key's scope is its name's: a rotated key given the same name keeps its replays.
    const old = await idempotencyScopeOf({ key: 'old-secret-0123456789', name: 'acme' });
    expect(await idempotencyScopeOf({ key: 'new-secret-0123456789', name: 'acme' })).toBe(old);
    expect(idempotencyScopeOf(undefined)).toBeUndefined();
  });
  it('gives the client its own key back', async () => {
    const scope = (await idempotencyScopeOf({ key: 'client-a-key-0123456789' }))!;
    const stored = scopedIdempotencyKey(scope, 'order:1');
    expect(stored.length).toBe(20 + 'order:1'.length);
    expect(clientIdempotencyKey(stored)).toBe('order:1');
    expect(clientIdempotencyKey('order:1')).toBe('order:1');
  });
  it('a scoped key of the longest a client may send still makes a valid envelope', async () => {
    const config = defineConfig({
      queues: { q: {} },
      tasks: [defineTask({ name: 't', queue: 'q', input: z.unknown(), handler: () => {} })],
    });
    const idempotencyScope = await idempotencyScopeOf({ key: 'client-a-key-0123456789' });
    const built = await buildEnvelope(
      config,
      { task: 't', input: 1, idempotencyKey: 'k'.repeat(256) },
      { origin: 'local', idempotencyScope },
    );
    expect(built.envelope.idempotencyKey).toBe(`${idempotencyScope}:${'k'.repeat(256)}`);
    expect(parseEnvelope(JSON.stringify(built.envelope)).ok).toBe(true);
  });
});
