/** localhost (and its subdomains, which browsers resolve to loopback themselves), 127.0.0.1, [::1]. */
const LOOPBACK_HOST = /^(?:(?:[\w-]+\.)*localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$/i;

/**
 * Whether a Host header names loopback. A server on loopback alone is still reachable from a web
 * page by DNS rebinding (its own domain resolving to 127.0.0.1 after load, so same-origin to the
 * browser); the rebound request names the page's domain in Host.
 */
export const isLoopbackHost = (host: string): boolean => LOOPBACK_HOST.test(host);
