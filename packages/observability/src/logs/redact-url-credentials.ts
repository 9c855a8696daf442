/**
 * `scheme://user:pass@host` → `scheme://user:[Redacted]@host` (user may be empty:
 * `redis://:pass@host`), wherever it appears in a string: a plain message or a JSON log line.
 *
 * The password runs to the last `@` before whitespace or the end of a JSON string, because
 * people paste passwords with unencoded `/ ? # @ ' "` and drivers accept many of them (a JSON
 * line escapes `"` and `\` as `\"`, `\\`; a raw `"` followed by `, } ] :` ends a JSON string).
 * A port followed by a path or a quote (`host:443/@scope`) is not a password.
 */
const URL_CREDENTIALS =
  /(\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s:/@"'\\]*):(?!\d+(?:[/?#"'\\]|$))(?:\\.|"(?![,}\]:])|[^\s\\"])+@/g;
export const redactUrlCredentials = (s: string): string => s.replace(URL_CREDENTIALS, '$1:[Redacted]@');
