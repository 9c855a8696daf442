import type { StatusSnapshot } from '@warren/observability';
import { ingestUrl, shownUrl } from './ingest-url';
import { visibleControls } from './visible-controls';

export interface StatusCommandOptions {
  url: string;
  apiKey?: string;
  json?: boolean;
  /** Redraw every N ms until interrupted. */
  watch?: number;
}

/** A 401 or 403: the key is missing, wrong or limited to some tasks, which no retry mends. */
class KeyRefused extends Error {}

/** `warren status`: the dashboard's snapshot (`<url>/status.json`) as tables, or raw JSON for autoscalers. */
export async function status(opts: StatusCommandOptions): Promise<void> {
  // Together, --json printed one snapshot and exited 0: a script polling with both got one reading.
  if (opts.json && opts.watch)
    throw new Error('warren status: --json prints one snapshot and --watch redraws the tables: pass one');
  const base = ingestUrl(opts.url);
  const fetchOnce = async (): Promise<StatusSnapshot> => {
    // Beside the ingest's own path, as the SDK (warren enqueue) and the dashboard resolve theirs:
    // an ingest published under a prefix (https://gw/warren) serves it at https://gw/warren/status.json.
    const url = new URL(base);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/status.json`;
    const shown = shownUrl(url);
    const res = await fetch(url, {
      headers: opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {},
      signal: AbortSignal.timeout(10_000),
    }).catch((err: Error) => {
      throw new Error(
        `cannot reach ${shown}: ${err.cause instanceof Error ? err.cause.message : err.message}`,
      );
    });
    if (res.status === 401) throw new KeyRefused(`${shown}: 401 — pass --api-key or set WARREN_API_KEY`);
    if (!res.ok) {
      // A problem+json's detail says why (e.g. a 403: the key is limited to some tasks).
      const detail = await res
        .json()
        .then((p: { detail?: unknown }) => (typeof p.detail === 'string' ? p.detail : undefined))
        .catch(() => undefined);
      const message = `${shown}: HTTP ${res.status}${detail ? `: ${detail}` : ''}`;
      throw res.status === 403 ? new KeyRefused(message) : new Error(message);
    }
    const body: unknown = await res.json().catch(() => undefined);
    // Another server's page or API answered: its body went on to a JSON parse error or a TypeError.
    if (!isSnapshot(body)) {
      const type = res.headers.get('content-type')?.split(';')[0] ?? 'no content type';
      throw new Error(`${shown}: not a warren status snapshot (${type}); is --url a warren ingest?`);
    }
    return body;
  };
  if (opts.json) {
    console.log(JSON.stringify(await fetchOnce(), null, 2));
    return;
  }
  const tty = !!process.stdout.isTTY;
  const color = tty && !process.env.NO_COLOR;
  if (!opts.watch) {
    console.log(renderStatus(await fetchOnce(), { color }));
    return;
  }
  for (;;) {
    let text: string;
    try {
      text = renderStatus(await fetchOnce(), { color });
    } catch (err) {
      // An ingest restarting (or a blip) must not end the watch; a refused key will not mend itself.
      if (err instanceof KeyRefused) throw err;
      text = `${new Date().toISOString()}  ${(err as Error).message}; retrying every ${opts.watch} ms`;
    }
    // Piped into a log or `tee`, clear-screen codes are noise: each turn follows a dated line.
    process.stdout.write(tty ? `\x1b[2J\x1b[H${text}\n` : `--- ${new Date().toISOString()}\n${text}\n`);
    await new Promise((r) => setTimeout(r, opts.watch));
  }
}

/** The arrays renderStatus reads: enough to tell a snapshot from another server's JSON. */
const isSnapshot = (v: unknown): v is StatusSnapshot =>
  typeof v === 'object' &&
  v !== null &&
  ['regions', 'queues', 'links', 'recentFailures'].every((k) =>
    Array.isArray((v as Record<string, unknown>)[k]),
  );

const ANSI = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes is the point
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/** Aligned text tables of a status snapshot (pure: the tests render it without a terminal). */
export function renderStatus(snapshot: StatusSnapshot, opts: { color?: boolean } = {}): string {
  const s = JSON.parse(JSON.stringify(snapshot), (_k, v) =>
    typeof v === 'string' ? visibleControls(v) : v,
  ) as StatusSnapshot;
  const paint = (c: keyof typeof ANSI, t: string) => (opts.color ? `\x1b[${ANSI[c]}m${t}\x1b[0m` : t);
  const table = (head: string[], rows: string[][], right: number[] = []) => {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? ''))));
    const line = (cells: string[]) =>
      `  ${cells
        .map((c, i) => {
          const pad = ' '.repeat(widths[i]! - visible(c));
          return right.includes(i) ? pad + c : c + pad;
        })
        .join('  ')
        .trimEnd()}`;
    return [paint('dim', line(head)), ...rows.map(line)].join('\n');
  };
  // A failure's age at the snapshot, as the dashboard shows it: its time of day alone (10:23:08)
  // read as today's for a failure days old (the list keeps the last 50, however old).
  const ago = (at: string) => {
    const sec = Math.max(0, (Date.parse(s.generatedAt) - Date.parse(at)) / 1000);
    if (!Number.isFinite(sec)) return at;
    if (sec < 60) return `${Math.round(sec)}s`;
    if (sec < 3600) return `${Math.floor(sec / 60)}m`;
    if (sec < 86_400) return `${Math.floor(sec / 3600)}h`;
    return `${Math.floor(sec / 86_400)}d`;
  };
  const n = (v: number | null | undefined, d = 0) => (v === null || v === undefined ? '—' : v.toFixed(d));
  const ms = (v: number | null) =>
    v === null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
  const circuit = (r: StatusSnapshot['regions'][number]) =>
    // The circuit learns only from publishes: a region no job went to reads closed, broker down or not.
    r.connected === false
      ? paint('red', `${r.state} (broker down)`)
      : r.state === 'open'
        ? paint('red', 'open')
        : r.state === 'half-open'
          ? paint('yellow', 'half-open')
          : r.slow
            ? paint('yellow', 'closed (slow)')
            : paint('green', 'closed');

  const out = [
    `${paint('bold', 'warren')} · region ${s.region} · ${s.generatedAt} · up ${s.uptimeS}s`,
    '',
    paint('bold', 'REGIONS'),
    // A worker's or forwarder's status (--metrics-port) has none: it publishes to no region.
    s.regions.length
      ? table(
          ['REGION', 'CIRCUIT', 'CONFIRM (EWMA)', 'FAILURES'],
          s.regions.map((r) => [
            r.id + (r.home ? ' *' : ''),
            circuit(r),
            ms(r.confirmLatencyMs),
            String(r.failures),
          ]),
          [2, 3],
        )
      : '  (none: this process publishes to no region)',
    '',
    paint('bold', 'QUEUES'),
    s.queues.length
      ? table(
          [
            'QUEUE',
            'DEPTH',
            'CONSUMERS',
            'DLQ',
            'IN/S',
            'DONE/S',
            'FAILED/S',
            'MEAN RUN',
            'OK',
            'FAILED',
            'WORKERS NEEDED',
          ],
          s.queues.map((q) => [
            q.name,
            n(q.depth),
            n(q.consumers),
            // Older snapshots have no deadLetters: shown as unknown.
            q.deadLetters ? paint('red', String(q.deadLetters)) : n(q.deadLetters),
            n(q.rates.enqueued, 2),
            n(q.rates.succeeded, 2),
            n(q.rates.failed, 2),
            ms(q.meanDurationMs),
            String(q.totals.succeeded),
            q.totals.failed ? paint('red', String(q.totals.failed)) : '0',
            paint('bold', n(q.scaling.recommendedWorkers)),
          ]),
          [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        )
      : '  (none)',
    '',
    paint('bold', 'LINKS'),
    s.links.length
      ? table(
          ['LINK', 'ROUTE', 'STATE', 'FORWARDED', 'IN FLIGHT', 'LAG'],
          s.links.map((l) => [
            l.name,
            `${l.source} → ${l.destination}`,
            l.state ?? 'running',
            String(l.forwarded),
            String(l.inFlight),
            n(l.lag),
          ]),
          [3, 4, 5],
        )
      : '  (none)',
    '',
    paint('bold', 'RECENT FAILURES'),
    s.recentFailures.length
      ? table(
          ['AGO', 'TASK', 'JOB', 'ATTEMPT', 'OUTCOME', 'ERROR'],
          s.recentFailures
            .slice(0, 10)
            .map((f) => [
              ago(f.at),
              f.task,
              f.jobId,
              `${f.attempt}/${f.maxAttempts}`,
              f.outcome === 'failed'
                ? paint('red', 'dead-lettered')
                : f.outcome === 'expired'
                  ? paint('red', 'expired')
                  : paint('yellow', 'retrying'),
              `${f.error.type}: ${f.error.message}`.slice(0, 100),
            ]),
        )
      : '  (none)',
  ];
  return out.join('\n');
}
