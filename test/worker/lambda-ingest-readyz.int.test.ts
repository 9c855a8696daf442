import { uuidv7 } from '@warren/core';
import { afterAll, expect, it } from 'vitest';
import { functionUrlEvent, sstSecret } from './support/function-url-event';
import { AMQP, bundleRunner, REDIS } from './support/invoke-bundle';

// `warren ingest` answers /readyz with each region's circuit state when it routes between located
// regions (startIngest's readinessDetails); the Lambda ingest is the same app and should too.

const RUN = `wlz-${uuidv7().slice(-8)}`;
const { invoke, close } = bundleRunner(RUN);
afterAll(() => close());

it('ingest bundle: /readyz lists each region with its circuit state, as warren ingest does', async () => {
  const run = await invoke('ingest', [functionUrlEvent('GET', '/readyz')], {
    WARREN_REGION: 'eu',
    WARREN_REGIONS: JSON.stringify([
      { id: 'eu', location: { lat: 53.3, lon: -6.3 }, brokers: [AMQP] },
      { id: 'us', location: { lat: 39, lon: -77.5 }, brokers: [AMQP] },
    ]),
    SST_RESOURCE_WarrenApiKeys: sstSecret(`readyz-key-${RUN}-xxxxxxxx`),
    REDIS_URL: REDIS,
  });
  const res = run.out.ok as { statusCode: number; body: string };
  // (The far region's broker may not be connected yet at the first request: 503 then, details alike.)
  expect(JSON.parse(res.body).details?.regions).toEqual([
    expect.objectContaining({ id: 'eu', state: 'closed' }),
    expect.objectContaining({ id: 'us', state: 'closed' }),
  ]);
}, 120_000);
