import { PayloadTooLargeError, type Producer } from '@warren/core';

const utf8 = new TextEncoder();

/**
 * A producer that refuses (413) a batch item whose request, serialised, is over the single-job
 * body limit: the batch body may be 16 × that limit, but one job must not be larger in a batch
 * than `POST /v1/jobs` accepts (the limit protects the brokers; a job for a queue consumed from
 * SQS is also held to SQS's message size when its envelope is built, see assertFitsSqs).
 */
export function limitItemSize(producer: Pick<Producer, 'enqueue'>, limit: number): Pick<Producer, 'enqueue'> {
  return {
    enqueue: (req, ctx) => {
      const bytes = utf8.encode(JSON.stringify(req)).byteLength;
      if (bytes > limit) {
        // Path '' is the item itself (enqueueMany names it jobs.<index>).
        const message = `the job is ${bytes} bytes, over the ${limit}-byte limit of one job`;
        throw new PayloadTooLargeError(limit, [{ path: '', message }]);
      }
      return producer.enqueue(req, ctx);
    },
  };
}
