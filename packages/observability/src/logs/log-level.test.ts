import { ConfigError } from '@warren/core';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLines } from './capture-lines';
import { createLogger } from './create-logger';
import { levelFromEnv } from './log-level';

describe('LOG_LEVEL', () => {
  const saved = process.env.LOG_LEVEL;
  afterEach(() => {
    if (saved === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = saved;
  });

  it('takes the pino levels in any case; unset or empty is info', () => {
    expect(levelFromEnv(undefined)).toBe('info');
    expect(levelFromEnv('')).toBe('info');
    expect(levelFromEnv('  ')).toBe('info');
    expect(levelFromEnv('DEBUG')).toBe('debug');
    expect(levelFromEnv(' warn ')).toBe('warn');
    for (const l of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      expect(levelFromEnv(l)).toBe(l);
  });

  it('any other value is a ConfigError naming LOG_LEVEL and the values it takes', () => {
    for (const v of ['verbose', 'warning', '10']) {
      let err: unknown;
      try {
        levelFromEnv(v);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(
        `LOG_LEVEL=${v} is not a log level: use fatal, error, warn, info, debug, trace or silent`,
      );
    }
  });

  it('createLogger reads it, and stops with the ConfigError at creation', () => {
    process.env.LOG_LEVEL = 'verbose';
    expect(() => createLogger({ stream: captureLines().stream })).toThrow(/^LOG_LEVEL=verbose is not/);
    process.env.LOG_LEVEL = 'Warn';
    const { lines, stream } = captureLines();
    const log = createLogger({ stream });
    log.info('dropped');
    log.warn('kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });
});
