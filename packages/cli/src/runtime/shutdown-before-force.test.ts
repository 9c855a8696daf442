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
