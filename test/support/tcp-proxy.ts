import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Extra one-way delay (ms) added to every chunk in both directions. */
  delayMs: number;
  /** Drops every open connection at once (a network cut); new ones are still accepted. */
  cut(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy to 127.0.0.1:`target` that delays every chunk by `delayMs` in each direction, to
 * play a region that is alive but far or slow. Order is kept: each direction is a FIFO of timers
 * with equal delay.
 */
export function startTcpProxy(target: number, delayMs = 0): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: TcpProxy = {
    port: 0,
    delayMs,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const pipe = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      const send = () => to.writable && to.write(chunk);
      if (proxy.delayMs > 0) setTimeout(send, proxy.delayMs);
      else send();
    });
    from.on('end', () => setTimeout(() => to.end(), proxy.delayMs));
    from.on('error', () => to.destroy());
    from.on('close', () => setTimeout(() => to.destroy(), proxy.delayMs));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect({ port: target, host: '127.0.0.1' });
    sockets.add(client);
    sockets.add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    pipe(client, upstream);
    pipe(upstream, client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      proxy.port = (server.address() as net.AddressInfo).port;
      resolve(proxy);
    });
  });
}
