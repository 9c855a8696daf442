import { Command, InvalidArgumentError } from 'commander';
import { dlqDrop, dlqList, dlqReplay } from './dlq';

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};
const ids = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** `warren dlq list|replay|drop`: what RabbitMQ's `<queue>.dlq` holds, and re-running it as new jobs. */
export function dlqCommand(): Command {
  const dlq = new Command('dlq').description(
    "dead-lettered jobs of a queue (RabbitMQ's <queue>.dlq, or with --sqs its SQS DLQ): list, replay, drop",
  );
  const where = (c: Command) =>
    c
      .option('--sqs', "the queue's SQS dead-letter queue (its redrive policy's) instead of RabbitMQ's")
      .option(
        '--sqs-queue-url <url>',
        "with --sqs: the queue's URL (default: the region's sqs.queueUrlPrefix + queue)",
      )
      .option('--sqs-endpoint <url>', 'with --sqs: SQS endpoint override (local-aws-sqs)');
  const sqs = (o: { sqs?: boolean; sqsQueueUrl?: string; sqsEndpoint?: string }) => ({
    sqs: o.sqs,
    sqsQueueUrl: o.sqsQueueUrl,
    sqsEndpoint: o.sqsEndpoint,
  });
  where(dlq.command('list <queue>'))
    .description('list <queue>.dlq without consuming it: job id, task, attempt, dead-at, reason')
    .option('-n, --limit <n>', 'at most this many', positive, 100)
    .option('--json', 'machine-readable records (with each job input)')
    .action((queue, o) => dlqList(queue, { ...sqs(o), limit: o.limit, json: o.json }));
  where(dlq.command('replay <queue>'))
    .description(
      're-enqueue dead-lettered jobs as new jobs (fresh attempts; needs REDIS_URL), removing each ' +
        'from <queue>.dlq only after its new job is confirmed; replaying again enqueues nothing new',
    )
    .option('--all', 'every readable job read (up to --limit)')
    .option('--id <jobId>', 'only this old job id (repeatable, or comma-separated)', ids)
    .option('-n, --limit <n>', 'read at most this many letters of <queue>.dlq', positive, 1000)
    .option('--dry-run', 'say what would be replayed; enqueue and remove nothing')
    .option(
      '--json',
      'one machine-readable report at the end (each outcome: replayed with old and new id, failed, ...)',
    )
    .action((queue, o) =>
      dlqReplay(queue, { ...sqs(o), all: o.all, id: o.id, limit: o.limit, dryRun: o.dryRun, json: o.json }),
    );
  where(dlq.command('drop <queue>'))
    .description(
      'remove dead-lettered jobs for good (unreadable letters, jobs not to run again): nothing is ' +
        'removed unless chosen; each is printed as it goes (dlq list --json first keeps their inputs)',
    )
    .option('--id <jobId>', 'this old job id (repeatable, or comma-separated)', ids)
    .option('--unreadable', "the letters the queue's codec cannot read")
    .option('--all', 'every letter read (up to --limit)')
    .option('-n, --limit <n>', 'read at most this many letters of <queue>.dlq', positive, 1000)
    .option('--dry-run', 'say what would be dropped; remove nothing')
    .action((queue, o) =>
      dlqDrop(queue, {
        ...sqs(o),
        all: o.all,
        id: o.id,
        unreadable: o.unreadable,
        limit: o.limit,
        dryRun: o.dryRun,
      }),
    );
  return dlq;
}
