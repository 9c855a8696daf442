import { redactUrl, redactUrlCredentials } from '@warren/core';

/**
 * A store URL fit for start-up lines and errors: its password masked (redactUrl) and the values
 * of secret query parameters too, which redactUrl keeps: Upstash takes its token as `?_token=`,
 * ioredis reads `?password=` from a REDIS_URL. `warren worker` prints the start-up line as is,
 * not through the log redaction.
 */
export const shownUrl = (url: string): string => redactUrlCredentials(redactUrl(url));
