import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onShutdown } from './shutdown';

afterEach(() => vi.useRealTimers());

describe('onShutdown', () => {
  it('exits 1 with a message when the close hangs past the default deadline (30 s)', async () => {
    vi.useFakeTimers();
    const proc = Object.assign(new EventEmitter(), { exit: vi.fn() });
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    onShutdown(() => new Promise(() => {}), { process: proc });
    proc.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(29_999);
    expect(proc.exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(proc.exit).toHaveBeenCalledWith(1);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/did not finish within 30000 ms/));
    log.mockRestore();
  });

  it('exits 0 once the close finishes in time', async () => {
    const proc = Object.assign(new EventEmitter(), { exit: vi.fn() });
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    onShutdown(async () => {}, { process: proc, deadlineMs: 1000 });
    proc.emit('SIGINT', 'SIGINT');
    await vi.waitFor(() => expect(proc.exit).toHaveBeenCalledWith(0));
    log.mockRestore();
  });
});
