import net from 'node:net';

/** True when something accepts TCP connections on 127.0.0.1:port within `timeoutMs`. */
export function isListening(port: number, timeoutMs = 500, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await isListening(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not listen on port ${port} within ${timeoutMs} ms`);
}

/** A free TCP port chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True when 127.0.0.1:port can be bound right now (nothing listens on it or holds it). */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** The first port from `preferred` on whose every `offsets` sibling can be bound and is not in `skip`. */
export async function firstFreePort(
  preferred: number,
  offsets: readonly number[],
  skip: ReadonlySet<number> = new Set(),
): Promise<number> {
  for (let port = preferred; port < preferred + 200; port++) {
    let free = true;
    for (const off of offsets) {
      if (skip.has(port + off) || !(await canBind(port + off))) {
        free = false;
        break;
      }
    }
    if (free) return port;
  }
  throw new Error(
    `no free port from ${preferred} to ${preferred + 199} (with offsets ${offsets.join(', ')})`,
  );
}
