import type { WarrenConfig } from '@warren/core';

/**
 * The commands `warren dev` suggests at start, so that they run as printed: against the config in
 * use (its own task when it has no demo.add; input `{}` then, its schema may want more) and, when
 * API keys are configured, with the Authorization header they need (`<key>`: keys are not echoed).
 */
export function devTryLines(url: string, config: WarrenConfig): { tryBlock: string; statusHint: string } {
  const keyed = config.auth.keys.length > 0;
  const auth = keyed ? ` -H 'authorization: Bearer <key>'` : '';
  const task = config.tasks.has('demo.add') ? 'demo.add' : config.tasks.keys().next().value;
  const input = task === 'demo.add' ? '{"a":2,"b":3}' : '{}';
  const enqueue =
    task === undefined
      ? '  (the config defines no task)'
      : `  curl -s -X POST ${url}/v1/jobs${auth} -H 'content-type: application/json' \\\n` +
        `    -d '{"task":${JSON.stringify(task)},"input":${input}}'`;
  return {
    tryBlock: `\nTry:\n${enqueue}\n  curl -s${auth} ${url}/v1/jobs/<id>\n`,
    statusHint: `warren status --url ${url}${keyed ? ' --api-key <key>' : ''}`,
  };
}
