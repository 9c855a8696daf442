import { fieldErrors } from '@warren/protocol';
import type { z } from 'zod';
import type { AnyTask } from '../task/define-task';
import { configShapeSchema, type QueueConfig, queueConfigSchema } from './schema';

export type ConfigInput = z.input<typeof configShapeSchema> & { tasks: readonly AnyTask[] };

export type WarrenConfig = z.output<typeof configShapeSchema> & {
  tasks: ReadonlyMap<string, AnyTask>;
  queues: Record<string, QueueConfig>;
};

export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * Validates a config once, at start-up, with messages that name the offending path. Every queue
 * a task uses is declared (with defaults) so topology, routing and deploy plans see the same set.
 */
export function defineConfig(input: ConfigInput): WarrenConfig {
  const { tasks: taskList, ...rest } = input;
  const parsed = configShapeSchema.safeParse(rest);
  if (!parsed.success) {
    const lines = fieldErrors(parsed.error.issues).map((e) => `  ${e.path}: ${e.message}`);
    throw new ConfigError(`invalid warren config:\n${lines.join('\n')}`);
  }
  const cfg = parsed.data;
  const tasks = new Map<string, AnyTask>();
  if (!Array.isArray(taskList))
    throw new ConfigError('invalid warren config: tasks must be a list of tasks (defineTask)');
  // An import that resolved to nothing failed below as "Cannot read properties of undefined".
  const bad = taskList.findIndex((t) => !isTask(t));
  if (bad >= 0)
    throw new ConfigError(`invalid warren config: tasks.${bad} is not a task (make it with defineTask)`);
  for (const t of taskList) {
    if (tasks.has(t.name)) throw new ConfigError(`invalid warren config: task ${t.name} is defined twice`);
    tasks.set(t.name, t);
  }
  // No prototype: a queue may be named like an Object.prototype member (constructor, valueOf are
  // valid names), which `queues[name]` then found inherited: such a task's queue was left out,
  // and an unconfigured one read as configured.
  const queues: Record<string, QueueConfig> = Object.assign(Object.create(null), cfg.queues);
  for (const t of tasks.values()) queues[t.queue] ??= queueConfigSchema.parse({});
  queues.default ??= queueConfigSchema.parse({});

  assertRegionRefs(cfg.regions, queues, 'invalid warren config');
  // A misspelt name here had the worker consume a new, empty queue while the jobs waited elsewhere.
  for (const q of cfg.worker.queues ?? []) {
    if (!queues[q])
      throw new ConfigError(
        `invalid warren config: worker.queues: "${q}" is not a queue of this config (${Object.keys(queues).join(', ')}): declare it under queues, or fix the name`,
      );
  }
  for (const [name, q] of Object.entries(queues)) {
    if (q.maxPriority && q.type === 'quorum') {
      throw new ConfigError(
        `invalid warren config: queues.${name}.maxPriority needs type "classic" (RabbitMQ 3.10 quorum queues have no priorities)`,
      );
    }
    // Accepted, such a job was forwarded without the headers that name it and dead-lettered unrun
    // by the SQS worker, its record `queued` for good.
    if (q.protocol === 'celery' && q.sqs) {
      throw new ConfigError(
        `invalid warren config: queues.${name}: protocol "celery" cannot be bridged into SQS (sqs): Celery keeps the task and job id in AMQP headers, which SQS does not carry, and the SQS worker reads warren envelopes only. Drop sqs (Celery workers consume the queue on RabbitMQ), or use protocol "warren"`,
      );
    }
  }
  return { ...cfg, tasks, queues };
}

/** What defineTask returns (checked by shape: a task may come from another copy of this package). */
const isTask = (t: unknown): t is AnyTask => {
  const o = t as Partial<AnyTask> | null | undefined;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.name === 'string' &&
    typeof o.queue === 'string' &&
    typeof o.timeoutMs === 'number' &&
    typeof o.retry === 'object'
  );
};

/**
 * Region ids are unique and every queue's `homeRegion` is one of them (`label` starts each
 * message). Run by defineConfig, and again after environment overrides replace the regions.
 */
export function assertRegionRefs(
  regions: readonly { id: string }[],
  queues: Record<string, QueueConfig>,
  label: string,
): void {
  const ids = new Set<string>();
  for (const r of regions) {
    if (ids.has(r.id)) throw new ConfigError(`${label}: region ${r.id} is listed twice`);
    ids.add(r.id);
  }
  for (const [name, q] of Object.entries(queues)) {
    if (q.homeRegion && !ids.has(q.homeRegion)) {
      throw new ConfigError(`${label}: queues.${name}.homeRegion "${q.homeRegion}" is not a region`);
    }
  }
}
