/** What serveNode gives (node:http's Server; closeAllConnections is http/1 only). */
export interface ClosableServer {
  close(cb: () => void): unknown;
  closeAllConnections?(): void;
}

/**
 * Stops accepting connections and waits for the requests in progress, at most `graceMs`; then
 * the connections still open are closed. Without the bound a long-poll (`GET /v1/jobs/:id?wait=`,
 * up to 30 s) held the shutdown for its whole wait, past the usual 30 s grace of an orchestrator;
 * its client (the SDK retries network errors) asks again elsewhere.
 */
export async function closeServer(server: ClosableServer, graceMs: number): Promise<void> {
  const closed = new Promise<void>((r) => server.close(() => r()));
  const timer = setTimeout(() => server.closeAllConnections?.(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
