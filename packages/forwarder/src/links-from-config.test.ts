import { defineConfig } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { linksFromConfig } from './links-from-config';

const region = (id: string, port: number, sqs = false) => ({
  id,
  location: { lat: 0, lon: 0 },
  brokers: [`amqp://u:p@${id}:${port}`],
  ...(sqs ? { sqs: { queueUrlPrefix: `https://sqs.${id}.amazonaws.com/123456789012/`, awsRegion: id } } : {}),
});

const config = defineConfig({
  tasks: [],
  regions: [region('eu', 1, true), region('us', 2, true), region('ap', 3)],
  queues: {
    billing: { homeRegion: 'eu' },
    thumbs: { sqs: true },
    orders: { sqs: { fifo: true }, homeRegion: 'us' },
  },
});

describe('linksFromConfig', () => {
  const links = linksFromConfig(config);
  const names = links.map((l) => l.name).sort();

  it('home region: a link from every other region to the home region', () => {
    expect(names.filter((n) => n.startsWith('billing:'))).toEqual(['billing:ap->eu', 'billing:us->eu']);
    const l = links.find((x) => x.name === 'billing:us->eu')!;
    expect(l.source).toEqual({ urls: ['amqp://u:p@us:2'], queue: 'billing', region: 'us', type: 'quorum' });
    expect(l.destination).toEqual({
      kind: 'amqp',
      urls: ['amqp://u:p@eu:1'],
      queue: 'billing',
      region: 'eu',
    });
  });

  it('publishChannels goes to the AMQP destinations only', () => {
    const one = linksFromConfig(config, { publishChannels: 1 });
    expect(one.find((x) => x.name === 'billing:us->eu')!.destination).toMatchObject({ channels: 1 });
    expect(one.find((x) => x.name === 'thumbs:eu->sqs')!.destination).not.toHaveProperty('channels');
  });

  it('sqs: a link to the SQS queue in each region with an SQS prefix', () => {
    expect(names.filter((n) => n.startsWith('thumbs:'))).toEqual(['thumbs:eu->sqs', 'thumbs:us->sqs']);
    const l = links.find((x) => x.name === 'thumbs:eu->sqs')!;
    expect(l.destination).toMatchObject({
      kind: 'sqs',
      queueUrl: 'https://sqs.eu.amazonaws.com/123456789012/thumbs',
      fifo: false,
      awsRegion: 'eu',
    });
  });

  it('home region + sqs: forwarded home elsewhere, bridged into SQS (FIFO) only at home', () => {
    expect(names.filter((n) => n.startsWith('orders:'))).toEqual([
      'orders:ap->us',
      'orders:eu->us',
      'orders:us->sqs',
    ]);
    expect(links.find((x) => x.name === 'orders:us->sqs')!.destination).toMatchObject({
      queueUrl: 'https://sqs.us.amazonaws.com/123456789012/orders.fifo',
      fifo: true,
    });
  });

  it('filters by source region and never names a queue twice per source (one consumer per queue)', () => {
    expect(
      linksFromConfig(config, { region: 'us' })
        .map((l) => l.name)
        .sort(),
    ).toEqual(['billing:us->eu', 'orders:us->sqs', 'thumbs:us->sqs']);
    const perSource = links.map((l) => `${l.source.region}/${l.source.queue}`);
    expect(new Set(perSource).size).toBe(perSource.length);
  });

  it("carries each queue's type to its links' source (a missing <queue>.dlq is declared with it)", () => {
    const withClassic = defineConfig({
      tasks: [],
      regions: [region('eu', 1, true), region('us', 2, true), region('ap', 3)],
      queues: { prio: { homeRegion: 'eu', sqs: true, type: 'classic', maxPriority: 5 } },
    });
    const prio = linksFromConfig(withClassic);
    expect(prio.map((l) => l.name).sort()).toEqual(['prio:ap->eu', 'prio:eu->sqs', 'prio:us->eu']);
    for (const l of prio) expect(l.source.type).toBe('classic');
  });
});
