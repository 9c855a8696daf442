import { expect, it } from 'vitest';
import { longPollBudget } from './long-poll-budget';

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 0));
  return done;
};

it('hands a slot given back to the first wait in line, which takes it on its next try', async () => {
  const next = longPollBudget(1);
  const [a, b, c] = [next(), next(), next()];
  expect(a.take()).toBe(true);
  expect([b.take(), c.take()]).toEqual([false, false]);
  expect([a.inLine, b.inLine, c.inLine]).toEqual([false, true, true]);
  expect(await settled(b.handed())).toBe(false);
  a.release();
  expect(await settled(b.handed())).toBe(true);
  expect(await settled(c.handed())).toBe(false);
  expect(b.inLine).toBe(false);
  expect(a.take()).toBe(false); // b's, though b has not taken it yet: a goes in line behind c
  expect(b.take()).toBe(true);
  b.release();
  expect(c.take()).toBe(true);
});

it('a wait that ends passes on a slot handed to it and leaves the line; the budget is whole again', () => {
  const next = longPollBudget(1);
  const [a, b, c] = [next(), next(), next()];
  a.take();
  b.take();
  c.take();
  a.release(); // handed to b
  b.end(); // b ends before its next try: the slot goes to c
  expect(c.inLine).toBe(false);
  c.end(); // c ends without using it: free again
  expect(next().take()).toBe(true);
});

it('an unlimited budget never keeps a line', () => {
  const next = longPollBudget(Number.POSITIVE_INFINITY);
  const slots = Array.from({ length: 50 }, () => next());
  expect(slots.every((s) => s.take() && !s.inLine)).toBe(true);
});
