/** `RABBITMQ_URL` may hold one cluster's node URLs, comma-separated. */
export function parseNodeUrls(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
}

/** The URL without its password, for logs and events (one redactor for every package: core's). */
export { redactUrl } from '@warren/core';
