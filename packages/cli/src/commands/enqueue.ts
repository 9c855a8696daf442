import { createClient } from '@warren/sdk';

export interface EnqueueCommandOptions {
  url: string;
  apiKey?: string;
  delayMs?: number;
  queue?: string;
  idempotencyKey?: string;
  wait?: number;
}

/** `warren enqueue <task> [input]`: one job through the ingest's HTTP API (the same client apps use). */
export async function enqueue(
  task: string,
  input: string | undefined,
  opts: EnqueueCommandOptions,
): Promise<void> {
  let parsed: unknown;
  try {
    parsed = input === undefined ? undefined : JSON.parse(input);
  } catch (err) {
    throw new Error(`input is not JSON: ${(err as Error).message}`);
  }
  const client = createClient({ url: opts.url, apiKey: opts.apiKey });
  const job = await client.enqueue(task, parsed, {
    delayMs: opts.delayMs,
    queue: opts.queue,
    idempotencyKey: opts.idempotencyKey,
  });
  if (opts.wait === undefined) {
    console.log(JSON.stringify(job, null, 2));
    return;
  }
  console.log(JSON.stringify(await client.wait(job, { timeoutMs: opts.wait }), null, 2));
}
