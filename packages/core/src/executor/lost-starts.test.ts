import { describe, expect, it } from 'vitest';
import { lostStarts } from './lost-starts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lostStarts', () => {
  it('gives a start back until a try is answered, and still hands its owner to a copy', async () => {
    const lost = lostStarts();
    let tries = 0;
    lost.remember('j/1', 'w/1', async () => tries++, 60_000);
    for (let i = 0; i < 40 && tries === 0; i++) await sleep(25);
    await sleep(10);
    expect(tries).toBe(1);
    await sleep(500); // no try after the answered one
    expect(tries).toBe(1);
    expect(await lost.take('j/1')).toBe('w/1');
    expect(lost.take('j/1')).toBeUndefined();
  });

  it('hands the owner to a copy while the store fails, and stops giving back then', async () => {
    const lost = lostStarts();
    let tries = 0;
    lost.remember(
      'j/1',
      'w/1',
      async () => {
        tries++;
        throw new Error('down');
      },
      60_000,
    );
    for (let i = 0; i < 40 && tries === 0; i++) await sleep(25);
    expect(await lost.take('j/1')).toBe('w/1');
    const after = tries;
    await sleep(600);
    expect(tries).toBe(after);
  });

  it('waits for a give-back in flight before answering a copy', async () => {
    const lost = lostStarts();
    let answer: () => void = () => {};
    let started = false;
    lost.remember(
      'j/1',
      'w/1',
      () => {
        started = true;
        return new Promise<void>((r) => {
          answer = r;
        });
      },
      60_000,
    );
    for (let i = 0; i < 40 && !started; i++) await sleep(25);
    const taking = lost.take('j/1');
    expect(taking).toBeInstanceOf(Promise);
    answer();
    expect(await taking).toBe('w/1');
  });
});
