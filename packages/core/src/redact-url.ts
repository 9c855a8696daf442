import { redactQuerySecrets } from './redact-url-credentials';

/**
 * URLs fit for logs, errors and message headers: the one pair of redactors every package uses.
 * Single-argument on purpose, so `urls.map(redactUrl)` stays safe.
 */

/**
 * Keeps the user name, replaces the password with `***`: enough to tell nodes apart in logs. The
 * query stays, but the values of parameters named like a secret are masked: Upstash takes its
 * token as `?_token=`, ioredis reads `?password=` from a REDIS_URL.
 */
export function redactUrl(url: string): string {
  return redactQuerySecrets(redact(url, false));
}

/**
 * Removes user name, password and query: what rides in message provenance
 * (`x-warren-forwarded`) and link descriptions.
 */
export function bareUrl(url: string): string {
  return redact(url, true);
}

function redact(url: string, drop: boolean): string {
  try {
    const u = new URL(url);
    if (drop) {
      u.username = '';
      u.password = '';
      u.search = '';
    } else if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    // Not a URL, often because the password holds an unencoded / ? # (URL parsing then takes it
    // for the path): the user-info runs from `scheme://` to the last `@`.
    const m = USER_INFO.exec(url);
    if (m) return drop ? `${m[1]}${m[4]}` : `${m[1]}${m[2]}:***@${m[4]}`;
    return drop ? url.replace(/\/\/[^@/]*@/, '//') : url.replace(/:[^:@/]*@/, ':***@');
  }
}

const USER_INFO = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^:/@]*):(.*)@([^@]*)$/s;
