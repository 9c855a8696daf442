import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfirmSweeper } from './confirm-sweeper';
import { InFlightWindow } from './in-flight-window';
import type { ChannelState, Pending } from './pending-publish';
import { TagWindow } from './tag-window';

const pending = (heard: number, deadline: number): Pending => ({
  exchange: '',
  queue: 'q',
  messageId: 'm',
  size: 1,
  t0: 0,
  deadline,
  heard,
  done: false,
  resolve: () => {},
  reject: () => {},
});

const channel = (heard: number, ...ps: Pending[]): ChannelState => {
  const unconfirmed = new TagWindow<Pending>();
  for (const p of ps) unconfirmed.push(p);
  return { ch: {} as ChannelState['ch'], unconfirmed, nacksInRow: 0, heard, silent: false };
};

describe('ConfirmSweeper', () => {
  afterEach(() => vi.useRealTimers());

  const sweep = (live: Set<ChannelState>, between: () => void = () => {}) => {
    vi.useFakeTimers({ now: 10_000 });
    const failed: Error[] = [];
    const silent: ChannelState[] = [];
    const s = new ConfirmSweeper(
      live,
      new InFlightWindow(10),
      (p, e) => {
        p.done = true;
        failed.push(e);
      },
      (st) => silent.push(st),
    );
    s.start();
    vi.advanceTimersByTime(50);
    between();
    vi.advanceTimersByTime(50);
    s.stop();
    return { failed, silent };
  };

  it('a timed-out publish with nothing back on its channel since it was sent marks the channel silent', () => {
    const st = channel(3, pending(3, 9_000), pending(3, 9_500));
    const { failed, silent } = sweep(new Set([st]));
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ recoverable: true });
    expect(failed[0]!.message).toMatch(/nothing came back/);
    expect(silent).toEqual([st]); // once per sweep, not once per publish
  });

  it('confirms read only after the sweep that timed the publish out (event-loop lag): not silent', () => {
    const st = channel(3, pending(3, 9_000));
    const { failed, silent } = sweep(new Set([st]), () => st.heard++);
    expect(failed).toHaveLength(1);
    expect(silent).toEqual([]);
  });

  it('a lost confirm on a channel that answered since is a timeout only, not a silent node', () => {
    const st = channel(4, pending(3, 9_000));
    const { failed, silent } = sweep(new Set([st]));
    expect(failed).toHaveLength(1);
    expect(failed[0]!.message).not.toMatch(/nothing came back/);
    expect(silent).toEqual([]);
  });

  it('publishes before their deadline are left alone', () => {
    const { failed, silent } = sweep(new Set([channel(3, pending(3, 20_000))]));
    expect(failed).toEqual([]);
    expect(silent).toEqual([]);
  });
});
