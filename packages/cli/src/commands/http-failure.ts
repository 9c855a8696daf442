import { WarrenHttpError } from '@warren/sdk';
import { shownUrl } from './ingest-url';

/**
 * An SDK failure as the CLI prints it: the ingest's problem with every failing field on a line of
 * its own (the SDK's message runs them together on one line), or the unreachable URL with the network
 * cause (fetch's own message is just "fetch failed").
 */
export function describeHttpFailure(err: unknown, given: string): Error {
  const url = URL.canParse(given) ? shownUrl(given) : given;
  if (err instanceof WarrenHttpError) {
    const p = err.problem;
    // Without a problem the SDK's message says what came instead (`HTTP 502`, not a warren job).
    const head = p
      ? `${url}: HTTP ${err.status} ${p.title}${p.detail ? `: ${p.detail}` : ''}`
      : `${url}: ${err.message}`;
    const fields = (p?.errors ?? []).map((e) => `  ${e.path}: ${e.message}`);
    return new Error([head, ...fields].join('\n'), { cause: err });
  }
  if (err instanceof TypeError && err.cause !== undefined) {
    const cause = err.cause instanceof Error ? err.cause.message : String(err.cause);
    return new Error(`cannot reach ${url}: ${cause}`, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
