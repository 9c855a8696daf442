import { createClient } from '@warren/sdk';
import { UsageError } from '../runtime/usage-exit';
import { describeHttpFailure } from './http-failure';
import { ingestUrl, shownUrl } from './ingest-url';

export interface EnqueueCommandOptions {
  url: string;
  apiKey?: string;
  delayMs?: number;
  queue?: string;
  idempotencyKey?: string;
  wait?: number;
}

/** `warren enqueue <task> [input | -]`: one job through the ingest's HTTP API (the same client apps use). */
export async function enqueue(
  task: string,
  input: string | undefined,
  opts: EnqueueCommandOptions,
): Promise<void> {
  // `-`: stdin. An argument over 128 KiB cannot be passed at all (Linux: E2BIG, 'Argument list
  // too long'), though the ingest takes bodies up to 256 KiB.
  const fromStdin = input === '-';
  const text = fromStdin ? await readStdin() : input;
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch (err) {
    throw new UsageError(`input${fromStdin ? ' (stdin)' : ''} is not JSON: ${(err as Error).message}`);
  }
  const client = createClient({ url: ingestUrl(opts.url), apiKey: opts.apiKey });
  try {
    const job = await client.enqueue(task, parsed, {
      delayMs: opts.delayMs,
      queue: opts.queue,
      idempotencyKey: opts.idempotencyKey,
    });
    // The client takes any 2xx JSON as the job: another server's answer was printed as one, exit 0.
    if (typeof job?.id !== 'string' || !job.id)
      throw new Error(
        `${shownUrl(opts.url)}: the answer is not a warren job (no id); is --url a warren ingest?`,
      );
    if (opts.wait === undefined) {
      console.log(JSON.stringify(job, null, 2));
      return;
    }
    const rec = await client.wait(job, { timeoutMs: opts.wait });
    console.log(JSON.stringify(rec, null, 2));
    // Waited for and not succeeded (failed, cancelled, expired): a script must not carry on as if
    // it had, as a wait that timed out does not (exit 1 either way).
    if (rec.state !== 'succeeded') {
      const why = rec.error ? `: ${rec.error.type}: ${rec.error.message}` : '';
      console.error(`job ${rec.id} ${rec.state}${why}`);
      process.exitCode = 1;
    }
  } catch (err) {
    throw describeHttpFailure(err, opts.url);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
