import { type JobEnvelope, PayloadTooLargeError } from '@warren/protocol';

/** SQS's message limit (body and attributes), which the forwarder and @warren/sqs send within. */
const SQS_MESSAGE_BYTES = 262_144;
/**
 * Kept for what the forwarder adds on the way into SQS: an envelope `hops` entry and a provenance
 * entry per hop, and the attributes (content type, task, message id). Two hops (the most the
 * planned links make: a region to the queue's home, then into SQS) with 128-character names
 * take ~1.9 KiB.
 */
const FORWARD_HEADROOM_BYTES = 2048;
/** The largest envelope a job on a queue consumed from SQS may be. */
export const SQS_ENVELOPE_LIMIT = SQS_MESSAGE_BYTES - FORWARD_HEADROOM_BYTES;

const utf8 = new TextEncoder();

/**
 * A job for a queue bridged into SQS (`queues.<name>.sqs`) must fit one SQS message: the ingest's
 * body limit counts the request, and the envelope is larger (id, backoff, trace context), so a
 * request near that limit was accepted, then dead-lettered by the forwarder at the source, its
 * record `queued` for good. Refused here instead (413 naming the input and its size).
 */
export function assertFitsSqs(envelope: JobEnvelope): void {
  const bytes = utf8.encode(JSON.stringify(envelope)).byteLength;
  if (bytes <= SQS_ENVELOPE_LIMIT) return;
  throw new PayloadTooLargeError(SQS_ENVELOPE_LIMIT, [
    {
      path: 'input',
      message: `the job is ${bytes} bytes as a message; queue ${envelope.queue} is consumed from SQS, which takes at most ${SQS_ENVELOPE_LIMIT} (256 KiB less what forwarding adds)`,
    },
  ]);
}
