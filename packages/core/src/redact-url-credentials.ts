/**
 * `scheme://user:pass@host` → `scheme://user:[Redacted]@host` (user may be empty:
 * `redis://:pass@host`), wherever it appears in a string: a plain message or a JSON log line.
 *
 * The password runs to the last `@` before whitespace or the end of a JSON string, because
 * people paste passwords with unencoded `/ ? # @ ' "` and drivers accept many of them (a JSON
 * line escapes `"` and `\` as `\"`, `\\`; a raw `"` followed by `, } ] :` ends a JSON string).
 * A port followed by a path or a quote (`host:443/@scope`) is not a password.
 *
 * Bounded (scheme 64, user 256, password 1,024 characters): every log line goes through this, and
 * unbounded, text shaped against it (a job's error quoting its input) backtracked quadratically:
 * 2.4 s for one 64 KB line. A longer password is not recognised.
 */
const URL_CREDENTIALS =
  /(\b[a-zA-Z][a-zA-Z0-9+.-]{0,63}:\/\/[^\s:/@"'\\]{0,256}):(?!\d+(?:[/?#"'\\]|$))(?:\\.|"(?![,}\]:])|[^\s\\"]){1,1024}@/g;
/**
 * A query parameter named like a secret (`api_key=`, `access_token=`, `X-Amz-Signature=`,
 * `sig=`, `password=`): its value, up to the next `&`, `#`, whitespace or quote (a JSON line's
 * escapes read as pairs). Error messages quote the URL a request failed on, query and all.
 */
const QUERY_SECRET =
  /([?&;][\w.-]*?(?:token|api[-_]?key|key|passw(?:or)?d|pass|pwd|secret|signature|sig|auth|credential)=)(?:\\.|[^&#\s"'\\])+/gi;
export const redactUrlCredentials = (s: string): string =>
  redactQuerySecrets(s.replace(URL_CREDENTIALS, '$1:[Redacted]@'));

/** Only the values of query parameters named like a secret (see QUERY_SECRET). */
export const redactQuerySecrets = (s: string): string => s.replace(QUERY_SECRET, '$1[Redacted]');
