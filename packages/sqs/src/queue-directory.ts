import type { SQSClient } from '@aws-sdk/client-sqs';
import { sqsCall } from './errors';
import { loadSqsSdk } from './sdk';

export interface RedriveInfo {
  deadLetterUrl: string;
  maxReceiveCount: number;
}

/**
 * Resolves queue ARNs to URLs and reads a queue's redrive policy, once per queue per process
 * (Lambda reuses the process across invocations, so this costs one call per cold start).
 */
export class QueueDirectory {
  private readonly urls = new Map<string, Promise<string>>();
  private readonly redrives = new Map<string, Promise<RedriveInfo | undefined>>();
  private readonly visibilities = new Map<string, Promise<number>>();
  private readonly retentions = new Map<string, Promise<number>>();

  constructor(private readonly client: SQSClient) {}

  /** `arn:aws:sqs:<region>:<account>:<name>` → the queue URL (GetQueueUrl works on AWS and locally). */
  urlForArn(arn: string): Promise<string> {
    return memo(this.urls, arn, async () => {
      const parts = arn.split(':');
      const name = parts[5];
      if (parts[0] !== 'arn' || parts[2] !== 'sqs' || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
      const out = await sqsCall('GetQueueUrl', async () => {
        const { GetQueueUrlCommand } = await loadSqsSdk();
        return this.client.send(
          new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: parts[4] }),
        );
      });
      return out.QueueUrl!;
    });
  }

  /** The queue's dead-letter queue and `maxReceiveCount`, or undefined when it has no redrive policy. */
  redrive(queueUrl: string): Promise<RedriveInfo | undefined> {
    return memo(this.redrives, queueUrl, async () => {
      const out = await sqsCall('GetQueueAttributes', async () => {
        const { GetQueueAttributesCommand } = await loadSqsSdk();
        return this.client.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
        );
      });
      const raw = out.Attributes?.RedrivePolicy;
      if (!raw) return undefined;
      const policy = JSON.parse(raw) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
      return {
        deadLetterUrl: await this.urlForArn(policy.deadLetterTargetArn),
        maxReceiveCount: Number(policy.maxReceiveCount),
      };
    });
  }

  /** The queue's default VisibilityTimeout in seconds. */
  visibilityTimeoutS(queueUrl: string): Promise<number> {
    return memo(this.visibilities, queueUrl, async () => {
      const out = await sqsCall('GetQueueAttributes', async () => {
        const { GetQueueAttributesCommand } = await loadSqsSdk();
        return this.client.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout'] }),
        );
      });
      return Number(out.Attributes?.VisibilityTimeout ?? 30);
    });
  }

  /** How long the queue keeps a message (MessageRetentionPeriod, seconds), counted from its send. */
  retentionS(queueUrl: string): Promise<number> {
    return memo(this.retentions, queueUrl, async () => {
      const out = await sqsCall('GetQueueAttributes', async () => {
        const { GetQueueAttributesCommand } = await loadSqsSdk();
        return this.client.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['MessageRetentionPeriod'] }),
        );
      });
      return Number(out.Attributes?.MessageRetentionPeriod ?? 345_600);
    });
  }
}

function memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = load();
    map.set(key, p);
    p.catch(() => map.delete(key)); // do not cache failures
  }
  return p;
}
