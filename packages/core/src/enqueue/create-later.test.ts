import { TransportError } from '@warren/protocol';
import { describe, expect, it } from 'vitest';
import { createLater } from './create-later';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const down = () => new TransportError('result store create failed: connect ECONNREFUSED', true);
const inAnHour = () => Date.now() + 3_600_000;

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

  it('does not try again after a refusal for good, nor past its horizon', async () => {
    let calls = 0;
    const write = async () => {
      calls++;
    };
    const later = createLater();
    later(write, inAnHour(), new TransportError('result store create failed: NOPERM', false));
    later(write, Date.now(), down()); // its horizon already past
    await sleep(500);
    expect(calls).toBe(0);
  });
});
