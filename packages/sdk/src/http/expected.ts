import type { Expected } from './request';

const isObject = (d: unknown): d is Record<string, unknown> => typeof d === 'object' && d !== null;

/** A job or job record (enqueue, get, wait, cancel): an id and a state, as the ingest always sends. */
export const JOB: Expected = {
  what: 'job',
  is: (d) => isObject(d) && typeof d.id === 'string' && d.id !== '' && typeof d.state === 'string',
};

/** A batch answer: one result with a status per job sent. */
export const batchOf = (count: number): Expected => ({
  what: 'batch answer',
  is: (d) =>
    isObject(d) &&
    Array.isArray(d.results) &&
    d.results.length === count &&
    d.results.every((r) => isObject(r) && typeof r.status === 'number'),
});
