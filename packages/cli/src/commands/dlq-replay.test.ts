import {
  ConflictError,
  type EnqueueRequest,
  type EnqueueResult,
  TransportError,
  UnprocessableError,
} from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { clip, replayLines } from './dlq-lines';
import { type ReplayLetter, replayDeadLetters } from './dlq-replay';

/** Letters held in memory: what a DLQ take gives the replay logic (the broker's is tested for real). */
function heldLetters(letters: ReplayLetter[]) {
  const acked: ReplayLetter[] = [];
  return {
    acked,
    take: { letters, ack: (l: ReplayLetter) => void acked.push(l), end: async () => {} },
  };
}
const letter = (deadAt: number, task = 't.ok'): ReplayLetter => ({
  deadAt,
  decoded: { ok: true, job: makeJob({ task, queue: 'q', input: { deadAt } }) },
});
const accepted = (req: EnqueueRequest): Promise<EnqueueResult> =>
  Promise.resolve({
    replayed: false,
    response: {
      id: `new-${(req.input as { deadAt: number }).deadAt}`,
      task: req.task,
      queue: 'q',
      state: 'queued',
      region: 'local',
      enqueuedAt: new Date().toISOString(),
      links: { self: '' },
    },
  });

describe('replayDeadLetters', () => {
  it('replays oldest death first, with a key per death; a refused job is reported and the others go on', async () => {
    const [a, b, c] = [letter(30), letter(10, 't.gone'), letter(20)];
    const { take, acked } = heldLetters([a!, b!, c!]);
    const keys: string[] = [];
    const report = await replayDeadLetters(
      take,
      (req) => {
        keys.push(req.idempotencyKey!);
        if (req.task === 't.gone') throw new UnprocessableError('unknown task "t.gone"', []);
        return accepted(req);
      },
      'q',
    );
    expect(report.outcomes.map((o) => o.kind)).toEqual(['failed', 'replayed', 'replayed']);
    expect(acked).toEqual([c, a]);
    const id = (l: ReplayLetter) => (l.decoded.ok ? l.decoded.job.id : '');
    expect(keys).toEqual([`dlq-replay:${id(b!)}:10`, `dlq-replay:${id(c!)}:20`, `dlq-replay:${id(a!)}:30`]);
  });

  it('stops at the first refusal of the broker or the store: the rest are not attempted', async () => {
    const { take, acked } = heldLetters([letter(1), letter(2)]);
    let calls = 0;
    const report = await replayDeadLetters(
      take,
      () => {
        calls++;
        throw new TransportError('no region could confirm the publish', true);
      },
      'q',
    );
    expect(calls).toBe(1);
    expect(acked).toEqual([]);
    expect(report.outcomes).toMatchObject([
      { kind: 'failed', error: 'no region could confirm the publish' },
      { kind: 'failed', error: 'not attempted (see above)' },
    ]);
  });

  it('interrupted: the letter in hand is enqueued and acked, the rest are left, counted, not attempted', async () => {
    const { take, acked } = heldLetters([letter(1), letter(2), letter(3)]);
    const ctl = new AbortController();
    let calls = 0;
    const seen: string[] = [];
    const report = await replayDeadLetters(
      take,
      async (req) => {
        calls++;
        ctl.abort('SIGINT'); // arrives while the first enqueue is in flight
        return accepted(req);
      },
      'q',
      { signal: ctl.signal, onOutcome: (o) => seen.push(o.kind) },
    );
    expect(calls).toBe(1);
    expect(acked).toHaveLength(1);
    expect(seen).toEqual(['replayed']);
    expect(report.interrupted).toEqual({ by: 'SIGINT', notReached: 2 });
    expect(replayLines('q.dlq', report, false).at(-1)).toBe(
      '1 replayed; 2 not reached (interrupted by SIGINT; left in q.dlq)',
    );
  });

  it('two letters of one job (dead-lettered again): one new job, both letters removed after it', async () => {
    const first = letter(1);
    const again: ReplayLetter = { ...first, deadAt: 2 };
    const { take, acked } = heldLetters([again, first]);
    const keys: string[] = [];
    const report = await replayDeadLetters(
      take,
      (req) => {
        keys.push(req.idempotencyKey!);
        return accepted(req);
      },
      'q',
    );
    expect(keys).toHaveLength(1);
    expect(acked).toEqual([first, again]);
    expect(report.outcomes.map((o) => o.kind)).toEqual(['replayed', 'duplicate']);
    const dry = await replayDeadLetters(heldLetters([first, again]).take, accepted, 'q', { dryRun: true });
    expect(replayLines('q.dlq', dry, true).at(-1)).toBe(
      '1 would be replayed (dry run: nothing enqueued or removed); 1 other letter(s) of the same jobs to remove',
    );
  });

  // The second letter of one death (the worker's deadLetterAgain) can come minutes after the first
  // was replayed: its own dead-at gave it its own key, so a second run enqueued the job again.
  it('two letters of one death replayed in separate runs carry one key: the old record ends the death', async () => {
    const first = letter(1);
    const again: ReplayLetter = { ...first, deadAt: 90_000 };
    const keys: string[] = [];
    const enqueue = (req: EnqueueRequest) => {
      keys.push(req.idempotencyKey!);
      return accepted(req);
    };
    const deathOf = async () => '2026-12-06T18:00:00.000Z'; // the failed record's finishedAt
    await replayDeadLetters(heldLetters([first]).take, enqueue, 'q', { deathOf });
    await replayDeadLetters(heldLetters([again]).take, enqueue, 'q', { deathOf });
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    // No record (expired): the letter's own dead-at, as before.
    await replayDeadLetters(heldLetters([again]).take, enqueue, 'q', { deathOf: async () => undefined });
    expect(keys[2]).toMatch(/:90000$/);
  });

  it('a key left claimed by a replay cut off mid-enqueue is named as such, not as a request being accepted', async () => {
    const { take, acked } = heldLetters([letter(1)]);
    const report = await replayDeadLetters(
      take,
      () => Promise.reject(new ConflictError('a request with idempotency key "k" is still being accepted')),
      'q',
    );
    expect(acked).toEqual([]);
    const line = replayLines('q.dlq', report, false)[0]!;
    expect(line).toMatch(
      /NOT replayed: an earlier replay was cut off mid-enqueue: .*once its key expires \(a day by default\)$/,
    );
  });

  it('dry run enqueues and removes nothing; with ids, unreadable letters are not chosen', async () => {
    const unreadable: ReplayLetter = { decoded: { ok: false, reason: 'body is not JSON' } };
    const chosen = letter(5);
    const { take, acked } = heldLetters([unreadable, chosen, letter(6)]);
    const id = chosen.decoded.ok ? chosen.decoded.job.id : '';
    const report = await replayDeadLetters(take, () => Promise.reject(new Error('no')), 'q', {
      ids: [id, 'missing'],
      dryRun: true,
    });
    expect(acked).toEqual([]);
    expect(report).toMatchObject({
      outcomes: [{ kind: 'would-replay', oldId: id }],
      skipped: 1,
      notFound: ['missing'],
    });
    expect(replayLines('q.dlq', report, true).at(-1)).toBe(
      '1 would be replayed (dry run: nothing enqueued or removed); 1 not chosen (left); not found among them: missing',
    );
  });
});

describe('clip', () => {
  it('escapes control characters and cuts at a code point, never inside a surrogate pair', () => {
    expect(clip('a\x1b[2Jb\nc')).toBe('a\\x1b[2Jb\\nc');
    expect(clip(`${'x'.repeat(9)}😀😀😀`, 11)).toBe(`${'x'.repeat(9)}😀…`);
  });
});
