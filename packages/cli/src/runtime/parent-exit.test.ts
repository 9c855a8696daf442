import { expect, it, vi } from 'vitest';
import { onParentExit } from './parent-exit';

it('calls back once when the ppid changes (the parent died), not while it stays', async () => {
  vi.useFakeTimers();
  try {
    const proc = { ppid: 4242 };
    const onExit = vi.fn();
    onParentExit(onExit, 1000, proc);
    await vi.advanceTimersByTimeAsync(5000);
    expect(onExit).not.toHaveBeenCalled();
    proc.ppid = 1; // re-parented to init
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(onExit).toHaveBeenCalledTimes(1);
  } finally {
    vi.useRealTimers();
  }
});
