import { expect, it } from 'vitest';
import { celeryDate } from './celery-header-values';

it('refuses a date header that is no date, naming it', () => {
  expect(celeryDate('tomorrow', 'eta')).toEqual({
    ok: false,
    reason: 'eta header "tomorrow" is not an ISO-8601 date',
  });
});

// The reason travels as the dead letter's header beside the message's own headers: quoted whole,
// a 100 KB eta doubled them, toward the broker's frame size.
it('quotes a long bad date header cut, with its length', () => {
  const v = 'x'.repeat(100_000);
  const out = celeryDate(v, 'eta') as { ok: false; reason: string };
  expect(out.ok).toBe(false);
  expect(out.reason.length).toBeLessThan(700);
  expect(out.reason).toMatch(/^eta header "x+… \(100002 characters\) is not an ISO-8601 date$/);
});
