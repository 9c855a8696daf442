import { execFile } from 'node:child_process';

const ERL_CALL = '/usr/lib/erlang/bin/erl_call';
/** Tries of a call whose connection failed (nothing was evaluated): see erlCall. */
const CONNECT_TRIES = 5;

/** One erl_call run: its stdout, or the error with erl_call's own words (stderr). */
function runOnce(node: string, env: NodeJS.ProcessEnv, expr: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(ERL_CALL, ['-n', node, '-e'], { env, timeout: 30_000 }, (err, stdout) => {
      if (err) return reject(new Error(`erl_call on ${node} failed: ${err.message}`));
      resolve(stdout);
    });
    // erl_call exits at once when it cannot connect, maybe before reading its stdin: the write's
    // EPIPE is that same failure (reported by the callback above), not an error of its own.
    child.stdin!.on('error', () => {});
    child.stdin!.end(`${expr.trim().replace(/\.$/, '')}.\n`);
  });
}

/**
 * Evaluates the Erlang expression `expr` (no final dot needed) on `node` with `erl_call` (Debian's
 * erlang-base, a rabbitmq-server dependency): a small C client, ~20 ms a call, where each
 * `rabbitmqctl` boots an Erlang VM (~1 CPU-s, 2-5 s on a loaded 2-core box). `env` carries the
 * harness's HOME (its Erlang cookie) and epmd address. Resolves to the result as erl_call prints
 * it: numbers and atoms plain, strings (char lists) quoted, but binaries as `#Bin<bytes>` (and cut
 * when long): return strings (binary_to_list). Rejects when the node cannot be reached or the
 * expression fails.
 *
 * "failed to connect to node" is tried again: a fresh-clone CI run on a loaded 2-core box failed a
 * test on it once, against a node that had answered the same file's calls moments before and
 * answered after (the connection, not the node, failed). Before a connection nothing is
 * evaluated, so a second try cannot apply an expression twice.
 */
export async function erlCall(node: string, env: NodeJS.ProcessEnv, expr: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    let stdout: string;
    try {
      stdout = await runOnce(node, env, expr);
    } catch (err) {
      const notConnected = err instanceof Error && /failed to connect/.test(err.message);
      if (!notConnected || attempt >= CONNECT_TRIES) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
      continue;
    }
    const ok = /^\{ok,\s*([\s\S]*)\}\s*$/.exec(stdout);
    if (!ok) throw new Error(`erl_call on ${node}: ${expr} -> ${stdout.trim()}`);
    return ok[1]!.trim();
  }
}
