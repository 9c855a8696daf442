import net from 'node:net';

/** One AMQP frame as it crosses the proxy (method frames carry their class and method ids). */
export interface ProxiedFrame {
  from: 'client' | 'server';
  type: number;
  channel: number;
  classId?: number;
  methodId?: number;
}

export interface AmqpFrameProxy {
  port: number;
  url: string;
  /** Frames for which this returns true are silently dropped (the socket stays open). */
  drop: (f: ProxiedFrame) => boolean;
  /**
   * Frames for which this returns true are held, with every later frame in their direction, until
   * `release()`: a reply that comes late rather than never.
   */
  hold: (f: ProxiedFrame) => boolean;
  /** Sends the held frames on, in order, and stops holding. */
  release(): void;
  /** Destroys every proxied connection (the broker side too). */
  cut(): void;
  /** Client connections open through the proxy now. */
  open(): number;
  close(): Promise<void>;
}

const PROTOCOL_HEADER = 8;

/**
 * A frame-aware TCP proxy to a real RabbitMQ, to play a broker that completes the handshake and
 * then stops answering (drop client frames on channel > 0: heartbeats still flow, so nothing
 * times out on its own) or loses chosen frames (e.g. a confirm after a basic.return).
 */
export async function startAmqpFrameProxy(target = 5672, host = '127.0.0.1'): Promise<AmqpFrameProxy> {
  const sockets = new Set<net.Socket>();
  const clients = new Set<net.Socket>();
  const held: { to: net.Socket; frame: Buffer }[] = [];
  const forward = (from: net.Socket, to: net.Socket, side: ProxiedFrame['from']) => {
    let buf = Buffer.alloc(0);
    let headerLeft = side === 'client' ? PROTOCOL_HEADER : 0;
    from.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (headerLeft > 0) {
        const n = Math.min(headerLeft, buf.length);
        to.write(buf.subarray(0, n));
        buf = buf.subarray(n);
        headerLeft -= n;
      }
      while (buf.length >= 7) {
        const size = buf.readUInt32BE(3);
        if (buf.length < size + 8) break;
        const frame = buf.subarray(0, size + 8);
        buf = buf.subarray(size + 8);
        const f: ProxiedFrame = { from: side, type: frame[0]!, channel: frame.readUInt16BE(1) };
        if (f.type === 1 && size >= 4) {
          f.classId = frame.readUInt16BE(7);
          f.methodId = frame.readUInt16BE(9);
        }
        if (proxy.drop(f)) continue;
        if (held.some((h) => h.to === to) || proxy.hold(f)) held.push({ to, frame });
        else if (to.writable) to.write(frame);
      }
    });
    from.on('error', () => to.destroy());
    from.on('close', () => to.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target, host);
    clients.add(client);
    client.on('close', () => clients.delete(client));
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    forward(client, upstream, 'client');
    forward(upstream, client, 'server');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const proxy: AmqpFrameProxy = {
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    drop: () => false,
    hold: () => false,
    release: () => {
      proxy.hold = () => false;
      for (const { to, frame } of held.splice(0)) if (to.writable) to.write(frame);
    },
    open: () => clients.size,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: async () => {
      proxy.cut();
      await new Promise((r) => server.close(r));
    },
  };
  return proxy;
}

/** A broker that finished the handshake but answers nothing after it (heartbeats still flow). */
export function silentAfterHandshake(p: AmqpFrameProxy): void {
  p.drop = (f) => f.from === 'client' && f.channel > 0;
}

/** `'ok'` when `p` resolves, else what it rejected with: for asserting on a failure's error. */
export const settle = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'ok' as const,
    (e: unknown) => e,
  );
