import { randomUUID } from 'node:crypto';
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * Edge geo headers that are malformed (or sent by a caller, not the edge) never fail a request and
 * never steer it by a misread number: a coordinate that is not a plain decimal is no coordinate,
 * and the request falls back (next provider's headers, a country centroid, else the ingest's own
 * region). Two located regions, both on the shared RabbitMQ (:5672): the 202 names the region chosen.
 */
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const queue = `geo-junk-${randomUUID().slice(0, 8)}`;
const config = defineConfig({
  region: 'eu',
  regions: [
    { id: 'eu', location: { lat: 53.3, lon: -6.3 }, brokers: [URL] },
    { id: 'ap', location: { lat: 1.35, lon: 103.8 }, brokers: [URL] },
  ],
  queues: { [queue]: {} },
  tasks: [defineTask({ name: 'gj.noop', queue, input: z.unknown() })],
});
const broker = createAmqpBroker({ urls: [URL], queues: config.queues });

afterAll(async () => {
  await broker.close().catch(() => {});
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [queue, `${queue}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

describe('malformed edge geo headers on a two-region ingest', () => {
  it('are ignored (own region, or the next provider), never a 5xx or a misread coordinate', async () => {
    await broker.connect();
    const results = new MemoryResultStore();
    const producer = createProducer({
      config,
      publishers: new Map([
        ['eu', broker.publisher],
        ['ap', broker.publisher],
      ]),
      results,
    });
    const app = createIngestApp({ config, producer, results });
    const regionFor = async (headers: Record<string, string>) => {
      const res = await app.request('/v1/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ task: 'gj.noop', input: 1 }),
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { region: string }).region;
    };
    const bangkok = { lat: '13.7', lon: '100.5' };
    // Well-formed: Bangkok is nearer ap.
    expect(await regionFor({ 'cf-iplatitude': bangkok.lat, 'cf-iplongitude': bangkok.lon })).toBe('ap');
    // Number() reads these as 16, 1, 7, 16: not coordinates an edge sends.
    for (const lat of ['0x10', '0b1', '0o7', '0x10 ']) {
      expect(
        await regionFor({ 'cloudfront-viewer-latitude': lat, 'cloudfront-viewer-longitude': '100' }),
      ).toBe('eu');
    }
    for (const bad of ['NaN', 'Infinity', '1e400', '13.7, 14', '', '  ', '1'.repeat(5000), 'ä']) {
      expect(await regionFor({ 'x-vercel-ip-latitude': bad, 'x-vercel-ip-longitude': bangkok.lon })).toBe(
        'eu',
      );
    }
    // A junk pair falls through to the next provider's pair, and to a country centroid.
    expect(
      await regionFor({
        'cloudfront-viewer-latitude': '0x10',
        'cloudfront-viewer-longitude': '0x10',
        'x-vercel-ip-latitude': bangkok.lat,
        'x-vercel-ip-longitude': bangkok.lon,
      }),
    ).toBe('ap');
    expect(await regionFor({ 'cf-iplatitude': '0x1', 'cf-iplongitude': '0x1', 'cf-ipcountry': 'TH' })).toBe(
      'ap',
    );
    expect(await regionFor({ 'cf-ipcountry': 'T1' })).toBe('eu');
  }, 30_000);
});
