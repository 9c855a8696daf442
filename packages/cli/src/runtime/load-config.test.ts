import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config';

const fixture = (name: string) => resolve(import.meta.dirname, '../testing', name);

describe('loadConfig', () => {
  it('loads a module that default-exports defineConfig({...})', async () => {
    const config = await loadConfig({}, fixture('fx-cli.config.ts'));
    expect([...config.tasks.keys()]).toEqual(['fx.echo']);
  });

  it('names the mistake when the default export is a plain object, not defineConfig({...})', async () => {
    await expect(loadConfig({}, fixture('fx-plain.config.ts'))).rejects.toThrow(
      /fx-plain\.config\.ts must default-export defineConfig\(\{\.\.\.\}\)/,
    );
  });

  it("names the file of defineConfig's error, and the field", async () => {
    await expect(loadConfig({}, fixture('fx-typo.config.ts'))).rejects.toThrow(
      `${fixture('fx-typo.config.ts')}: invalid warren config:\n  queus: unknown field`,
    );
  });

  it('names the file of a config module that throws while loading', async () => {
    await expect(loadConfig({}, fixture('fx-throws.config.ts'))).rejects.toThrow(
      `${fixture('fx-throws.config.ts')}: TASKS_DIR is not set`,
    );
  });
});
