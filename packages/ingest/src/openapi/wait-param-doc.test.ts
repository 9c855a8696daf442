import { describe, expect, it } from 'vitest';
import { parseWait } from '../routes/wait-for-job';
import { testIngest } from '../testing-helpers';

type Param = { name: string; description: string; schema: { pattern: string; examples: string[] } };

describe('/openapi.json (and /docs): GET /v1/jobs/{id} ?wait=', () => {
  const { app } = testIngest();

  it('says what a bare number means, as the route reads it (`?wait=10` is in the Celery example)', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, { get: { parameters: Param[] } }>;
    };
    const wait = doc.paths['/v1/jobs/{id}']!.get.parameters.find((p) => p.name === 'wait')!;
    const unit = /a bare number is (seconds|milliseconds)/.exec(wait.description)?.[1];
    expect(unit, wait.description).toBeDefined();
    expect(parseWait('10')).toBe(unit === 'seconds' ? 10_000 : 10);
    for (const form of [...wait.schema.examples, '10']) {
      expect(form).toMatch(new RegExp(wait.schema.pattern));
      expect(() => parseWait(form)).not.toThrow();
    }
  });
});
