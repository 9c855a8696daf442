/**
 * URLs fit for logs, errors and message headers: the one pair of redactors every package uses.
 * Single-argument on purpose, so `urls.map(redactUrl)` stays safe.
 */

/** Keeps the user name, replaces the password with `***`: enough to tell nodes apart in logs. */
export function redactUrl(url: string): string {
  return redact(url, false);
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
    // Not a URL: mask or drop whatever looks like user-info.
    return drop ? url.replace(/\/\/[^@/]*@/, '//') : url.replace(/:[^:@/]*@/, ':***@');
  }
}
