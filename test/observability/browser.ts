import { existsSync } from 'node:fs';
import net from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { aptInstall } from '../support/services';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium, installed from apt on a fresh machine, driven headless by playwright-core; `args` are more switches. */
export async function launchChromium(args: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) aptInstall(['chromium'], (m) => console.log(`[browser test] ${m}`));
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', ...args] });
}

/** A port this helper may use (observability owns 28900-28999), free right now. */
export async function portInRange(lo = 28900, hi = 28999): Promise<number> {
  const start = lo + Math.floor(Math.random() * (hi - lo + 1));
  for (let i = 0; i <= hi - lo; i++) {
    const port = lo + ((start - lo + i) % (hi - lo + 1));
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${lo}-${hi}`);
}
