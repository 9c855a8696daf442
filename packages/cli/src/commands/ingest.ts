import { assertAuthConfigured } from '@warren/ingest';
import { createRuntime } from '../runtime/create-runtime';
import { startIngest } from '../runtime/ingest-server';
import { loadConfig } from '../runtime/load-config';
import { onShutdown } from '../runtime/shutdown';

/** `warren ingest`: the production Node ingest; refuses to start without API keys. */
export async function ingest(opts: { port: number }): Promise<void> {
  const config = await loadConfig();
  assertAuthConfigured(config.auth.keys, 'warren ingest');
  const rt = await createRuntime(config);
  const { server } = await startIngest(config, rt, opts.port);
  console.log(`warren ingest on :${opts.port} (region ${config.region})`);
  for (const line of rt.describe) console.log(`  ${line}`);
  onShutdown(async () => {
    await new Promise((r) => server.close(r));
    await rt.close();
  });
}
