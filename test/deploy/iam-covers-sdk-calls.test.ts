import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildFunction, FUNCTIONS_SRC } from '../../scripts/build-functions';
import type { FunctionEntry, FunctionPlan } from '../../stacks/plan';
import { planDeployment } from '../../stacks/plan';

/*
 * The IAM statements the plan gives each function must allow every SQS call its deployed bundle
 * can make. The calls are read from the real esbuild output (what `npm run build:functions`
 * deploys, tree-shaken): @aws-sdk stays external, so each call keeps its `<Op>Command` name.
 * AWS's own enforcement cannot run here (no AWS access): this is the offline stand-in.
 */

/** `SendMessageBatchCommand` → `sqs:SendMessage` (batch calls are authorised by their single action). */
const SQS_OPS = new Set([
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'GetQueueUrl',
  'GetQueueAttributes',
  'ListQueues',
  'ListDeadLetterSourceQueues',
  'SetQueueAttributes',
  'CreateQueue',
  'DeleteQueue',
  'PurgeQueue',
]);

const out = mkdtempSync(join(tmpdir(), 'warren-iam-'));
const calls = new Map<FunctionEntry, string[]>();

async function sqsActionsOf(entry: FunctionEntry): Promise<string[]> {
  const built = await buildFunction(join(FUNCTIONS_SRC, `${entry}.ts`), out);
  const ops = new Set<string>();
  for (const o of built.outputs) {
    const text = readFileSync(join(out, entry, o.path), 'utf8');
    for (const m of text.matchAll(/\b([A-Z][A-Za-z]+)Command\b/g)) if (SQS_OPS.has(m[1]!)) ops.add(m[1]!);
  }
  return [...ops].map((op) => `sqs:${op.replace(/Batch$/, '')}`).sort();
}

beforeAll(async () => {
  for (const e of ['sqs-worker', 'forward-drain'] as const) calls.set(e, await sqsActionsOf(e));
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const region = { id: 'eu-west-1', location: { lat: 53.3, lon: -6.3 } };
const plan = planDeployment(
  defineConfig({
    regions: [region],
    tasks: [defineTask({ name: 't', queue: 'jobs', input: z.unknown(), handler: (x: unknown) => x })],
    queues: { jobs: { sqs: true } },
  }),
);
const r = plan.regions[0]!;
const q = r.sqsQueues[0]!;

function allowedOn(fn: FunctionPlan, resource: string): Set<string> {
  return new Set(fn.permissions.filter((s) => s.resources.includes(resource)).flatMap((s) => s.actions));
}

describe('IAM covers the SQS calls each bundle makes', () => {
  it('the SQS worker may make every call its bundle has on its own queue (defers send a copy there)', () => {
    const used = calls.get('sqs-worker')!;
    // Not vacuous: the worker's retries and dead letters are in the bundle.
    expect(used).toEqual(expect.arrayContaining(['sqs:ChangeMessageVisibility', 'sqs:SendMessage']));
    const allowed = allowedOn(q.worker, `{ref:${q.name}.arn}`);
    expect(used.filter((a) => !allowed.has(a))).toEqual([]);
  });

  it('the SQS worker may find and send to its DLQ (dead letters carry the reason)', () => {
    const allowed = allowedOn(q.worker, `{ref:${q.dlq.name}.arn}`);
    expect([...allowed].sort()).toEqual(['sqs:GetQueueUrl', 'sqs:SendMessage']);
  });

  it('the forward drain may make every call its bundle has on each SQS queue it feeds', () => {
    const used = calls.get('forward-drain')!;
    expect(used).toContain('sqs:SendMessage');
    const allowed = allowedOn(r.forwarder!.drain, `{ref:${q.name}.arn}`);
    expect(used.filter((a) => !allowed.has(a))).toEqual([]);
  });
});
