import { makeJob } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { dropDeadLetters } from './dlq-drop';
import { dropSummary } from './dlq-lines';
import type { DlqLetter } from './dlq-source';

const readable = (deadAt: number): DlqLetter => ({
  deadAt,
  reason: 'boom',
  body: '{}',
  decoded: { ok: true, job: makeJob({ task: 't.x', queue: 'q', input: { deadAt } }) },
});
const held = (letters: DlqLetter[]) => {
  const acked: DlqLetter[] = [];
  return { acked, take: { letters, ack: (l: DlqLetter) => void acked.push(l), end: async () => {} } };
};

describe('dropDeadLetters', () => {
  it('removes only what was chosen (oldest death first) and names an id it did not find', async () => {
    const poison: DlqLetter = {
      reason: 'bad',
      body: 'x',
      decoded: { ok: false, reason: 'body is not JSON' },
    };
    const [a, b] = [readable(1), readable(2)];
    const { take, acked } = held([b!, poison, a!]);
    const id = (l: DlqLetter) => (l.decoded.ok ? l.decoded.job.id : '');
    const report = await dropDeadLetters(take, { ids: [id(a!), 'gone'], unreadable: true });
    expect(acked).toEqual([poison, a]); // no dead-at sorts first
    expect(report).toMatchObject({ skipped: 1, notFound: ['gone'] });
    expect(dropSummary('q.dlq', report, false)[0]).toBe(
      '2 dropped from q.dlq; 1 not chosen (left); not found among them: gone',
    );
  });

  it('an empty DLQ says so, as list and replay do', async () => {
    const report = await dropDeadLetters(held([]).take, { all: true });
    expect(dropSummary('q.dlq', report, false)).toEqual(['q.dlq is empty']);
  });
});
