import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSourceOf } from './build-sources';

describe('buildSourceOf', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'warren-build-')), '.build/node/chunks');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'chunk-TEST.mjs');
  writeFileSync(
    file,
    [
      'import { x } from "y";', // 0
      '', // 1
      '// packages/results/src/keys.ts', // 2
      'function keys() {}', // 3
      '// packages/amqp/src/codecs/warren-codec.ts', // 4
      'var warrenCodec = {', // 5
      '  encode(job) {}', // 6
      '};', // 7
    ].join('\n'),
  );
  const url = pathToFileURL(file).href;

  it('names the source file a bundled line came from', () => {
    expect(buildSourceOf(url, 3)).toBe('packages/results/src/keys.ts');
    expect(buildSourceOf(url, 6)).toBe('packages/amqp/src/codecs/warren-codec.ts');
  });

  it('knows nothing above the first module, outside the build or for node: frames', () => {
    expect(buildSourceOf(url, 0)).toBeUndefined();
    expect(buildSourceOf('file:///elsewhere/x.mjs', 3)).toBeUndefined();
    expect(buildSourceOf('node:internal/streams/writable', 3)).toBeUndefined();
  });
});
