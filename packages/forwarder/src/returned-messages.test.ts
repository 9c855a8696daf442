import { describe, expect, it } from 'vitest';
import { ReturnedMessages } from './returned-messages';

describe('ReturnedMessages', () => {
  it("gives a return to the confirm of its own routing key, not to a routed twin's with the same bytes", () => {
    const returned = new ReturnedMessages<string>();
    const body = Buffer.from('{"same":"bytes"}');
    // The unroutable twin's return came before the routed message's late confirm.
    returned.add(body, 'nowhere', 'NO_ROUTE');
    expect(returned.take(Buffer.from(body), 'routed')).toBeUndefined(); // the routed one was stored
    expect(returned.take(Buffer.from(body), 'nowhere')).toBe('NO_ROUTE'); // the twin is refused
    expect(returned.take(Buffer.from(body), 'nowhere')).toBeUndefined(); // once
  });

  it('takes equal messages in turn, and other contents apart', () => {
    const returned = new ReturnedMessages<number>();
    returned.add(Buffer.from('a'), 'k', 1);
    returned.add(Buffer.from('a'), 'k', 2);
    expect(returned.take(Buffer.from('b'), 'k')).toBeUndefined();
    expect([returned.take(Buffer.from('a'), 'k'), returned.take(Buffer.from('a'), 'k')]).toEqual([1, 2]);
  });
});
