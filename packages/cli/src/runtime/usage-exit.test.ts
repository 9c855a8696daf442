import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');

/** The real CLI without services or keys; resolves with its exit code and stderr. */
function warren(
  args: string[],
  extra: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['RABBITMQ_URL', 'REDIS_URL', 'UPSTASH_REDIS_REST_URL', 'WARREN_API_KEYS']) delete env[k];
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env });
  let err = '';
  child.stderr.on('data', (b: Buffer) => {
    err += b;
  });
  return new Promise((done) => child.once('exit', (code) => done({ code, err })));
}

// A mistyped command line exited 1, as a job that failed under `enqueue --wait` or a `dlq replay`
// that left a letter do: a script could not tell the two apart.
describe('a command line the CLI refuses exits 2, with the reason and no stack', () => {
  const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['an unknown command', ['bogus'], {}, /unknown command 'bogus'/],
    ['an unknown option', ['enqueue', 'demo.add', '{}', '--bogus'], {}, /unknown option '--bogus'/],
    ['a missing argument', ['enqueue'], {}, /missing required argument 'task'/],
    ['an invalid value', ['dev', '--port', 'abc'], {}, /'abc' is invalid/],
    ['an invalid variable', ['dev'], { PORT: 'abc' }, /from env 'PORT' is invalid/],
    ['a nested subcommand', ['dlq', 'list', 'q', '--limit', '0'], {}, /'0' is invalid/],
    ['a group without its subcommand', ['dlq'], {}, /Usage: warren dlq/],
    // Refused by the command itself, past commander's parsing: exited 1, as a failed run does.
    ['an input that is not JSON', ['enqueue', 'demo.add', '{a:1}'], {}, /input is not JSON/],
    ['a replay that chooses nothing', ['dlq', 'replay', 'q'], {}, /pass --all or --id/],
    ['a replay that chooses twice', ['dlq', 'replay', 'q', '--all', '--id', 'x'], {}, /pass --all or --id/],
    ['a drop that chooses nothing', ['dlq', 'drop', 'q'], {}, /pass --all, or --id/],
    [
      'an SQS option without --sqs',
      ['dlq', 'list', 'q', '--sqs-endpoint', 'http://127.0.0.1:1'],
      {},
      /go with --sqs/,
    ],
  ];
  it('each case', async () => {
    const runs = await Promise.all(cases.map(([, args, env]) => warren(args, env)));
    runs.forEach(({ code, err }, i) => {
      const [what, , , reason] = cases[i]!;
      expect({ what, code }).toEqual({ what, code: 2 });
      expect(err).toMatch(reason);
      expect(err).not.toMatch(/\n\s+at /);
    });
  }, 120_000);

  it('help asked for exits 0; a command that ran and failed still exits 1', async () => {
    const [help, subHelp, failed] = await Promise.all([
      warren(['--help']),
      warren(['dlq', 'list', '--help']),
      warren(['ingest']), // refuses to start without API keys
    ]);
    expect([help.code, subHelp.code, failed.code]).toEqual([0, 0, 1]);
  }, 120_000);
});
