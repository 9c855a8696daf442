import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { dropUnwritableAtExit } from './drop-unwritable-at-exit';
import { levelFromEnv } from './log-level';
import { CENSOR, redactSecrets, TOP_LEVEL_PATHS } from './redact-secrets';
import { redactUrlCredentials } from './redact-url-credentials';

export { redactUrlCredentials };

export interface LoggerFactoryOptions {
  level?: LoggerOptions['level'];
  /** Process role in every line: ingest, worker, forwarder. */
  name?: string;
  /** Where lines go (default stdout); tests pass a stream to capture them. */
  stream?: DestinationStream;
  base?: Record<string, unknown>;
}

/**
 * JSON lines via pino with secrets removed twice over: known secret fields by name (any case), and any
 * credentials embedded in URLs (broker and Redis URLs end up in error messages) on the final line.
 */
export function createLogger(opts: LoggerFactoryOptions = {}): Logger {
  const logger = pino(
    {
      level: opts.level ?? levelFromEnv(process.env.LOG_LEVEL),
      name: opts.name,
      base: { pid: process.pid, ...opts.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Nested fields by the walk (any case); top-level paths as well, for pino's own redaction.
      redact: { paths: TOP_LEVEL_PATHS, censor: CENSOR },
      formatters: { level: (label) => ({ level: label }), log: redactSecrets, bindings: redactSecrets },
      hooks: { streamWrite: redactUrlCredentials },
    },
    opts.stream ?? dropUnwritableAtExit(pino.destination({ dest: 1, sync: false })),
  );
  // pino runs no formatter over a child's bindings, only the top-level paths: `child({ req })`
  // would print req.headers.authorization. Walked here, once per child; children inherit this.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, redactSecrets(bindings), options);
  } as Logger['child'];
  return logger;
}

export type { Logger };
