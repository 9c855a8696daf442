import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './worker-env';

describe('loadWorkerConfig', () => {
  it('refuses a WARREN_CONFIG that default-exports a plain object, naming the file and defineConfig', async () => {
    const file = resolve('packages/cli/src/testing/fx-plain.config.ts');
    await expect(loadWorkerConfig({ WARREN_CONFIG: file })).rejects.toThrow(
      /fx-plain\.config\.ts must default-export defineConfig/,
    );
  });

  it('takes the bundled config when WARREN_CONFIG is not set', async () => {
    const config = await loadWorkerConfig({});
    expect(config.tasks).toBeInstanceOf(Map);
  });
});
