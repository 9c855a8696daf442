import net, { type AddressInfo } from 'node:net';

/**
 * A TCP proxy (to Redis, here) that loses replies on demand: `mute()` throws away every reply on
 * the connections open now; `muteAfter(...texts)` does so on a connection from its next request
 * that holds one of `texts` on (that request reaches the server and runs; its reply is lost). New connections
 * are not muted: the client's reconnect works.
 */
export async function replyLosingProxy(target: number) {
  type Conn = { muted: boolean; sockets: net.Socket[] };
  const open = new Set<Conn>();
  let triggers: string[] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect({ port: target, host: '127.0.0.1' });
    const conn: Conn = { muted: false, sockets: [client, upstream] };
    open.add(conn);
    client.on('data', (c: Buffer) => {
      if (triggers.some((t) => c.includes(t))) {
        triggers = [];
        conn.muted = true;
      }
      upstream.write(c);
    });
    upstream.on('data', (c) => conn.muted || client.write(c));
    for (const s of conn.sockets)
      s.on('close', () => {
        open.delete(conn);
        for (const o of conn.sockets) o.destroy();
      }).on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    mute: () => {
      for (const c of open) c.muted = true;
    },
    muteAfter: (...texts: string[]) => {
      triggers = texts;
    },
    close: () => {
      for (const c of open) for (const s of c.sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}
