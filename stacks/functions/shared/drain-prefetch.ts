/**
 * Each link's prefetch in a forward drain, so that what the drain may hold at once fits its
 * Lambda's memory. Every link of the region runs at once, each holding up to its prefetch of
 * unacked messages (a job up to the ingest's body limit, plus its envelope); with the forwarder's
 * own default of 1,000 per link, two links of 256 KiB jobs (500 MB) would not fit the drain's
 * 512 MB, and a drain that runs out of memory dies with every message unacked: they come back
 * first to the next run, which dies the same way, and the queue is never forwarded again.
 * Half the memory is left to the runtime, the SDK and the copies a send makes in flight.
 */
export function drainPrefetch(memoryMb: number, links: number, maxJobBytes: number): number {
  const perMessage = maxJobBytes + ENVELOPE_BYTES;
  const fit = Math.floor((memoryMb * 1024 * 1024) / 2 / Math.max(1, links) / perMessage);
  return Math.min(MAX_PREFETCH, Math.max(MIN_PREFETCH, fit));
}

/** The envelope's fields around a job's input (id, task, queue, dates, hops, trace), rounded up. */
const ENVELOPE_BYTES = 4096;
/** The forwarder's default: more buys nothing (see the forwarder bench). */
const MAX_PREFETCH = 1000;
/** Below this a link moves too little per round trip; a job this large in such numbers is the config's to size. */
const MIN_PREFETCH = 10;
