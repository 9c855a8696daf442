import { PayloadTooLargeError } from '@warren/protocol';
import type { Producer } from './producer';

const utf8 = new TextEncoder();

/**
 * A producer that refuses (413) a job whose request, serialised, is over `limit` bytes: the
 * ingest's body limit (`ingest.bodyLimitBytes`), held by its batch route for each item (the batch
 * body may be 16 × that limit, but one job must not be larger in a batch than `POST /v1/jobs`
 * accepts) and by `@warren/sdk/direct` for every job, so a job no client could send over HTTP is
 * not published either (the limit protects the brokers and the result store: a record too large
 * for its store's request limit is never written, and its job is dead-lettered unrun). A job for
 * a queue consumed from SQS is also held to SQS's message size when its envelope is built
 * (assertFitsSqs).
 */
export function limitJobSize(producer: Pick<Producer, 'enqueue'>, limit: number): Pick<Producer, 'enqueue'> {
  return {
    enqueue: (req, ctx) => {
      const text = JSON.stringify(req);
      // A UTF-16 unit is at most 3 bytes of UTF-8: most jobs are within the limit without encoding.
      const bytes = text.length * 3 <= limit ? 0 : utf8.encode(text).byteLength;
      if (bytes > limit) {
        // Path '' is the job itself (enqueueMany names it jobs.<index>).
        const message = `the job is ${bytes} bytes, over the ${limit}-byte limit of one job`;
        throw new PayloadTooLargeError(limit, [{ path: '', message }]);
      }
      return producer.enqueue(req, ctx);
    },
  };
}
