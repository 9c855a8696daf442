import { execFile } from 'node:child_process';

const ERL_CALL = '/usr/lib/erlang/bin/erl_call';

/**
 * Evaluates the Erlang expression `expr` (no final dot needed) on `node` with `erl_call` (Debian's
 * erlang-base, a rabbitmq-server dependency): a small C client, ~20 ms a call, where each
 * `rabbitmqctl` boots an Erlang VM (~1 CPU-s, 2-5 s on a loaded 2-core box). `env` carries the
 * harness's HOME (its Erlang cookie) and epmd address. Resolves to the result as erl_call prints
 * it: numbers and atoms plain, strings (char lists) quoted, but binaries as `#Bin<bytes>` (and cut
 * when long): return strings (binary_to_list). Rejects when the node cannot be reached or the
 * expression fails.
 */
export function erlCall(node: string, env: NodeJS.ProcessEnv, expr: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(ERL_CALL, ['-n', node, '-e'], { env, timeout: 30_000 }, (err, stdout) => {
      if (err) return reject(new Error(`erl_call on ${node} failed: ${err.message}`));
      const ok = /^\{ok,\s*([\s\S]*)\}\s*$/.exec(stdout);
      if (!ok) return reject(new Error(`erl_call on ${node}: ${expr} -> ${stdout.trim()}`));
      resolve(ok[1]!.trim());
    });
    child.stdin!.end(`${expr.trim().replace(/\.$/, '')}.\n`);
  });
}
