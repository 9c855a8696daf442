import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

const SECRET_KEYS = ['authorization', 'apiKey', 'api_key', 'token', 'password', 'secret', 'cookie'];

/** Redaction paths: each secret key at the top level, one level down and under `headers`. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [
  k,
  `*.${k}`,
  `headers.${k}`,
  `*.headers.${k}`,
  `headers["${k.toLowerCase()}"]`,
]);

/** `scheme://user:pass@host` → `scheme://user:[Redacted]@host`, wherever it appears in a line. */
const URL_CREDENTIALS = /(\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s:/@"'\\]+):[^\s@/"'\\]+@/g;
export const redactUrlCredentials = (s: string): string => s.replace(URL_CREDENTIALS, '$1:[Redacted]@');

export interface LoggerFactoryOptions {
  level?: LoggerOptions['level'];
  /** Process role in every line: ingest, worker, forwarder. */
  name?: string;
  /** Where lines go (default stdout); tests pass a stream to capture them. */
  stream?: DestinationStream;
  base?: Record<string, unknown>;
}

/**
 * JSON lines via pino with secrets removed twice over: known secret fields by path, and any
 * credentials embedded in URLs (broker and Redis URLs end up in error messages) on the final line.
 */
export function createLogger(opts: LoggerFactoryOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      name: opts.name,
      base: { pid: process.pid, ...opts.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: redactUrlCredentials },
    },
    opts.stream ?? pino.destination({ dest: 1, sync: false }),
  );
}

export type { Logger };
