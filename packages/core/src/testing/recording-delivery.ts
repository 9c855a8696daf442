import type { JobEnvelope } from '@warren/protocol';
import type { Delivery } from '../ports/consumer';

export interface RecordedCall {
  op: 'ack' | 'retry' | 'defer' | 'deadLetter' | 'release';
  arg?: unknown;
}

/** A Delivery that records how it was settled, for executor and handler unit tests. */
export function recordingDelivery(job: JobEnvelope, attempt = job.attempt) {
  const calls: RecordedCall[] = [];
  const d: Delivery = {
    job,
    attempt,
    redelivered: false,
    ack: async () => void calls.push({ op: 'ack' }),
    retry: async (delayMs) => void calls.push({ op: 'retry', arg: delayMs }),
    defer: async (delayMs) => void calls.push({ op: 'defer', arg: delayMs }),
    deadLetter: async (reason) => void calls.push({ op: 'deadLetter', arg: reason }),
    release: async () => void calls.push({ op: 'release' }),
  };
  return { d, calls };
}
