import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ForwardLink } from './link';

const URL = 'amqp://guest:guest@127.0.0.1:5672';

describe('a link whose source queue does not exist', () => {
  it('says so once, at info, while it keeps retrying', async () => {
    const missing = `h58-never-declared-${randomUUID().slice(0, 8)}`;
    const lines: [string, string | undefined][] = [];
    const link = new ForwardLink(
      {
        name: missing,
        source: { urls: [URL], queue: missing },
        destination: { kind: 'amqp', urls: [URL], queue: `${missing}-dst` },
        backoffBaseMs: 50,
        backoffMaxMs: 100,
      },
      { log: (m, level) => lines.push([m, level]) },
    );
    link.start();
    await new Promise((r) => setTimeout(r, 3000));
    const waiting = link.status();
    await link.stop(500);
    // Retrying all along (every 50-100 ms), yet idle: no failure, so no restart and no backoff.
    expect(waiting).toMatchObject({ restarts: 0, state: 'idle', sourceMissing: true });
    expect(lines).toEqual([
      [
        `link ${missing}: source queue ${missing} does not exist (nothing to forward until it is declared); retrying`,
        'info',
      ],
    ]);
  }, 15_000);
});
