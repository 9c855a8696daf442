import net from 'node:net';

export interface NatProxy {
  port: number;
  /**
   * Forgets every open connection the way a NAT gateway forgets an idle one: the server side is
   * closed (the server sees its peer go), the client hears nothing (no FIN). What the client sends
   * on it afterwards is answered with a RST (`reset`, an AWS NAT gateway) or never (`blackhole`,
   * a firewall that drops packets of unknown flows). New connections are forwarded as usual.
   */
  forget(mode: 'reset' | 'blackhole'): void;
  close(): Promise<void>;
}

/** A TCP proxy to 127.0.0.1:`target` whose connections can be forgotten silently (see `forget`). */
export function startNatProxy(target: number): Promise<NatProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; forgotten?: 'reset' | 'blackhole' }>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ port: target, host: '127.0.0.1' });
    const pair: { client: net.Socket; upstream: net.Socket; forgotten?: 'reset' | 'blackhole' } = {
      client,
      upstream,
    };
    pairs.add(pair);
    client.on('data', (chunk) => {
      if (pair.forgotten === 'reset') client.resetAndDestroy();
      else if (!pair.forgotten) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!pair.forgotten) client.write(chunk);
    });
    const end = () => {
      if (pair.forgotten) return;
      client.destroy();
      upstream.destroy();
    };
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('close', () => {
      pairs.delete(pair);
      if (!pair.forgotten) upstream.destroy();
    });
    upstream.on('close', end);
  });
  const proxy: NatProxy = {
    port: 0,
    forget(mode) {
      for (const p of pairs) {
        if (p.forgotten) continue;
        p.forgotten = mode;
        p.upstream.destroy();
      }
    },
    close: () =>
      new Promise((resolve) => {
        for (const p of pairs) {
          p.client.destroy();
          p.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      proxy.port = (server.address() as net.AddressInfo).port;
      resolve(proxy);
    });
  });
}
