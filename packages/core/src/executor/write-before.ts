import { TransportError } from '@warren/protocol';
import type { JobExecution } from './executor-types';

type Write = JobExecution['write'];

/**
 * `write` that gives up at `deadlineMs` (a Lambda invocation's, less its settle reserve) as a
 * command timeout does: the store may still apply it, and the caller takes the rejection for the
 * store being unreachable (the delivery is handed back). A store that stopped answering held each
 * try for its 10 s command timeout, so the handler answered after Lambda had ended the
 * invocation: its records neither handed back nor reported, the whole batch came back. After the
 * deadline no write is tried.
 */
export const writeBefore =
  (write: Write, deadlineMs: number): Write =>
  (...args) =>
    new Promise((resolve, reject) => {
      const late = () => reject(new TransportError('result store: no answer before the deadline', true));
      if (Date.now() >= deadlineMs) return late();
      const timer = setTimeout(late, deadlineMs - Date.now());
      write(...args)
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    });
