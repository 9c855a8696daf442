import { ConfigError } from '@warren/core';

/** pino's levels, most severe first (as the README lists them), and silent. */
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The level LOG_LEVEL asks for. pino's own refusal ("default level:verbose must be included in
 * custom levels") names neither the variable nor the levels it takes, so a typo is refused here,
 * at start, saying both. Case is ignored as pino does; empty (`LOG_LEVEL=` in an env file) is unset.
 */
export function levelFromEnv(value: string | undefined): string {
  const level = value?.trim().toLowerCase();
  if (!level) return 'info';
  if (LEVELS.includes(level)) return level;
  const list = `${LEVELS.slice(0, -1).join(', ')} or ${LEVELS.at(-1)}`;
  throw new ConfigError(`LOG_LEVEL=${value} is not a log level: use ${list}`);
}
