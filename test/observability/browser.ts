import { existsSync } from 'node:fs';
import net from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { aptInstall } from '../support/services';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium, installed from apt on a fresh machine, driven headless by playwright-core. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) aptInstall(['chromium'], (m) => console.log(`[dashboard test] ${m}`));
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
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
