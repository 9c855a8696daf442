import { Validator } from '@seriousme/openapi-schema-validator';
import { createProducer, defineConfig, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { createLogger, createObservability } from '@warren/observability';
import { describe, expect, it } from 'vitest';
import { exampleTasks } from '../../examples/tasks';

type Op = { security?: unknown[]; responses: Record<string, { content?: Record<string, unknown> }> };
type Doc = { security: unknown[]; paths: Record<string, Record<string, Op>> };

/** The ingest as warren dev and warren ingest build it: observability's extend mounts /metrics and /status.json. */
function observedIngest(keys: { key: string; tasks?: string[] }[]) {
  const config = defineConfig({ tasks: exampleTasks, auth: { keys } });
  const broker = new MemoryBroker();
  const results = new MemoryResultStore();
  const obs = createObservability({ config, logger: createLogger({ level: 'silent' }) });
  const producer = createProducer({ config, publishers: new Map([['local', broker]]), results });
  return createIngestApp({ config, producer, results, extend: obs.extend });
}

describe('/openapi.json of an ingest with /metrics and /status.json', () => {
  it('documents every GET route it serves, the status routes included', async () => {
    const app = observedIngest([]);
    const doc = (await (await app.request('/openapi.json')).json()) as Doc;
    const served = app.routes
      .filter((r) => r.method === 'GET' && !r.path.includes('*'))
      .map((r) => r.path.replace(/:(\w+)/g, '{$1}'));
    expect(served).toEqual(expect.arrayContaining(['/metrics', '/status.json']));
    expect(served.filter((p) => !doc.paths[p]?.get)).toEqual([]);
    expect(await new Validator().validate(doc)).toEqual({ valid: true });
    // Open without keys, as served: /metrics is text, /status.json JSON.
    expect((await app.request('/metrics')).status).toBe(200);
    expect(doc.paths['/metrics']!.get!.security).toEqual([]);
    expect(Object.keys(doc.paths['/metrics']!.get!.responses['200']!.content!)).toEqual(['text/plain']);
    expect(Object.keys(doc.paths['/status.json']!.get!.responses['200']!.content!)).toEqual([
      'application/json',
    ]);
  });

  it('states that they take a key without a task limit when keys are configured', async () => {
    const full = 'openapi-full-key-0123456789';
    const scoped = 'openapi-scoped-key-012345';
    const app = observedIngest([{ key: full }, { key: scoped, tasks: ['demo.add'] }]);
    const doc = (await (await app.request('/openapi.json')).json()) as Doc;
    expect(await new Validator().validate(doc)).toEqual({ valid: true });
    for (const path of ['/metrics', '/status.json']) {
      const op = doc.paths[path]?.get;
      expect(op, path).toBeDefined();
      // No security of its own: the document's (bearer) applies.
      expect(op!.security, path).toBeUndefined();
      expect(doc.security).toEqual([{ bearer: [] }]);
      const answers = {
        none: (await app.request(path)).status,
        scoped: (await app.request(path, { headers: { authorization: `Bearer ${scoped}` } })).status,
        full: (await app.request(path, { headers: { authorization: `Bearer ${full}` } })).status,
      };
      expect(answers, path).toEqual({ none: 401, scoped: 403, full: 200 });
      expect(Object.keys(op!.responses), path).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    }
  });
});
