import { ValidationError } from './errors';

/**
 * The deepest nesting an ingest body may have. The publish serialises the job recursively
 * (`JSON.stringify` overflows the stack near 4,000 levels, a 500), and workers in other languages
 * (Python's json: ~1,000) fail sooner; no task input needs anywhere near this.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * The deepest nesting a message a worker decodes may have (an envelope, a Celery body). Over it,
 * the job's record cannot be written safely (`JSON.stringify` recursion; Python workers stop near
 * here too), so the message is refused at decode and dead-lettered with this reason; read on, it
 * failed every store write as an outage and went round the queue for good (100,000 levels). Above
 * the ingest's limit (which `@warren/sdk/direct` applies too): a job another producer published
 * (a Celery client, a raw publish) that the ingest would refuse still runs up to here.
 */
export const MAX_MESSAGE_DEPTH = 1000;

/**
 * Whether JSON text nests arrays/objects deeper than `max`: one pass over the text, brackets
 * inside strings not counted. Text shorter than 2 × max cannot, so typical bodies cost nothing.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  if (text.length <= 2 * max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

/**
 * Refuses a request body (JSON text) nested past MAX_JSON_DEPTH with the ingest's 400, so the
 * ingest and `@warren/sdk/direct` (which checks the JSON of its request) answer it alike.
 */
export function assertBodyDepth(text: string): void {
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new ValidationError('body is nested too deeply', [
      { path: '(body)', message: `arrays and objects nest at most ${MAX_JSON_DEPTH} levels deep` },
    ]);
  }
}
