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

  it('a second signal exits 130 at once, saying so and what it leaves behind', () => {
    const proc = Object.assign(new EventEmitter(), { exit: vi.fn() });
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    onShutdown(() => new Promise(() => {}), { process: proc, onForce: () => '2 job(s) cut off' });
    proc.emit('SIGTERM', 'SIGTERM');
    proc.emit('SIGINT', 'SIGINT');
    expect(proc.exit).toHaveBeenCalledWith(130);
    expect(log).toHaveBeenLastCalledWith(
      'SIGINT again: exiting now without finishing the shutdown; 2 job(s) cut off',
    );
    log.mockRestore();
  });

  it('a shutdown begun for an error (uncaught exception) runs the same drain and exits with its code', async () => {
    const proc = Object.assign(new EventEmitter(), { exit: vi.fn() });
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    let drains = 0;
    const begin = onShutdown(
      async () => {
        drains++;
      },
      { process: proc, deadlineMs: 1000 },
    );
    begin('uncaught exception', 1);
    begin('uncaught exception', 1); // a second one does not drain again
    await vi.waitFor(() => expect(proc.exit).toHaveBeenCalledWith(1));
    expect(drains).toBe(1);
    log.mockRestore();
  });
});
