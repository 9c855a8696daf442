import { EventEmitter } from 'node:events';
import { expect, it, vi } from 'vitest';
import { onShutdown } from './shutdown';

it('a second signal runs beforeForce, then exits 130; a third exits at once', async () => {
  const proc = Object.assign(new EventEmitter(), { exit: vi.fn() });
  const log = vi.spyOn(console, 'error').mockImplementation(() => {});
  let done!: (s: string) => void;
  const beforeForce = vi.fn(() => new Promise<string>((r) => (done = r)));
  onShutdown(() => new Promise(() => {}), { process: proc, beforeForce, onForce: () => '1 job(s) cut off' });
  proc.emit('SIGTERM', 'SIGTERM');
  proc.emit('SIGINT', 'SIGINT');
  expect(beforeForce).toHaveBeenCalledTimes(1);
  expect(proc.exit).not.toHaveBeenCalled();
  done('handed back');
  await vi.waitFor(() => expect(proc.exit).toHaveBeenCalledWith(130));
  expect(log).toHaveBeenCalledWith('handed back');

  proc.exit.mockClear();
  proc.emit('SIGINT', 'SIGINT'); // a third: no second hand-back, out at once
  expect(beforeForce).toHaveBeenCalledTimes(1);
  expect(proc.exit).toHaveBeenCalledWith(130);
  log.mockRestore();
});

// The forced hand-back ends the running jobs, so the drain the first signal began (warren dev,
// warren worker) may finish first: it exited 0, not the 130 of a forced stop (seen once in
// dev-double-signal.int.test.ts under load).
it('a drain that finishes during the forced hand-back: the hand-back says so and exits 130', async () => {
  const proc = Object.assign(new EventEmitter(), { exit: vi.fn() });
  const log = vi.spyOn(console, 'error').mockImplementation(() => {});
  let drained!: () => void;
  let done!: (s: string) => void;
  const beforeForce = vi.fn(() => new Promise<string>((r) => (done = r)));
  onShutdown(() => new Promise<void>((r) => (drained = r)), { process: proc, beforeForce });
  proc.emit('SIGINT', 'SIGINT');
  proc.emit('SIGINT', 'SIGINT');
  drained(); // the aborted jobs were handed back: the drain is over before beforeForce says so
  await new Promise((r) => setImmediate(r));
  done('handed back');
  await vi.waitFor(() => expect(proc.exit).toHaveBeenCalled());
  expect(proc.exit.mock.calls).toEqual([[130]]);
  expect(log).toHaveBeenCalledWith('handed back');
  log.mockRestore();
});
