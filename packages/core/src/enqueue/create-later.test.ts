import { TransportError } from '@warren/protocol';
import { describe, expect, it } from 'vitest';
import { createLater, LATE_CREATE_MARGIN_MS } from './create-later';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const down = () => new TransportError('result store create failed: connect ECONNREFUSED', true);
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('createLater (a scheduled job record write tried again)', () => {
  it('tries again while the store is down, and stops once a try is answered', async () => {
    let calls = 0;
    const write = async () => {
      if (++calls < 3) throw down();
      return { ok: true };
    };
    createLater()(write, inAnHour(), down());
    for (let i = 0; i < 50 && calls < 3; i++) await sleep(50);
    expect(calls).toBe(3);
    await sleep(1000); // no try after the answered one
    expect(calls).toBe(3);
  });

  it('does not try again after a refusal for good, nor for a job due within the margin', async () => {
    let calls = 0;
    const write = async () => {
      calls++;
    };
    const later = createLater();
    later(write, inAnHour(), new TransportError('result store create failed: NOPERM', false));
    later(write, new Date(Date.now() + LATE_CREATE_MARGIN_MS - 1000).toISOString(), down());
    await sleep(500);
    expect(calls).toBe(0);
  });
});
