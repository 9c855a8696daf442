/** `scheme://user:pass@host` → `scheme://user:[Redacted]@host` (user may be empty: `redis://:pass@host`), wherever it appears in a string. */
const URL_CREDENTIALS = /(\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s:/@"'\\]*):[^\s@/"'\\]+@/g;
export const redactUrlCredentials = (s: string): string => s.replace(URL_CREDENTIALS, '$1:[Redacted]@');
