import type { LinkStatus } from '@warren/forwarder';
import { describe, expect, it } from 'vitest';
import { linkStatusLog } from './link-status-log';

const base: LinkStatus = {
  name: 'a',
  source: 'amqp://h:5672 queue q',
  destination: 'amqp://k:5672 queue q',
  state: 'running',
  forwarded: 10,
  deadLettered: 2,
  inFlight: 1,
  lag: 5,
  restarts: 3,
  lastDeadLetter: 'invalid envelope: id: must be a UUID or a ULID',
};

describe('linkStatusLog', () => {
  it('carries the dead-letter count, its last reason and the restarts', () => {
    const { level, fields } = linkStatusLog(base);
    expect(level).toBe('info');
    expect(fields).toMatchObject({
      link: 'a',
      state: 'running',
      forwarded: 10,
      deadLettered: 2,
      restarts: 3,
      lastDeadLetter: base.lastDeadLetter,
    });
    expect(fields.standby).toBeUndefined();
  });

  it('says why a link waits in standby', () => {
    const { fields } = linkStatusLog({
      ...base,
      state: 'standby',
      standby: 'another instance holds the lease q',
    });
    expect(fields.standby).toBe('another instance holds the lease q');
  });

  it('warns while a link backs off between restarts', () => {
    expect(linkStatusLog({ ...base, state: 'backoff', lastError: 'ECONNREFUSED' }).level).toBe('warn');
  });
});
