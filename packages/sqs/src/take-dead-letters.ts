import type { Message, QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import { type EnvelopeParse, parseEnvelope } from '@warren/core';
import { sqsCall } from './errors';
import { renewHolds } from './hold-renewal';
import { loadSqsSdk } from './sdk';

export interface SqsDeadLetter {
  /** `warren-reason`, or what SQS's own redrive leaves (no reason). */
  reason: string;
  body: string;
  messageId?: string;
  /** When the copy reached the DLQ (its SentTimestamp, epoch ms): stable across receives. */
  deadAt?: number;
  /**
   * The envelope; `attempt`: the attempt it died on, as its delivery counted it (the envelope's
   * attempt offset by `warren-receive-count`, see createSqsDelivery).
   */
  decoded: (EnvelopeParse & { attempt?: number }) | { ok: false; reason: string };
}

/** Dead letters held invisible (`holdS`) until `end`; what `warren dlq` replays from an SQS DLQ. */
export interface SqsDeadLetterTake {
  readonly letters: readonly SqsDeadLetter[];
  /**
   * Letters left in the DLQ behind the ones taken: SQS's ApproximateNumberOfMessages before the
   * take, less those taken; undefined when SQS would not say.
   */
  readonly remaining?: number;
  /** Deletes the letter from the DLQ. */
  ack(letter: SqsDeadLetter): Promise<void>;
  /**
   * Makes every letter not acked visible again at once. Rejects when SQS refuses: those letters
   * reappear on their own after the hold, none is lost.
   */
  end(): Promise<void>;
}

/**
 * Receives up to `max` messages of the SQS dead-letter queue `dlqUrl`, each hidden for `holdS`
 * (SQS has no peek: a list is a take handed back at once). Stops at `max` or after an empty long
 * poll of a second: a long poll asks every SQS server, so it has no false empty answer (a short
 * poll's sample can). A second empty poll cost every `warren dlq --sqs` a second for nothing.
 */
export async function takeSqsDeadLetters(
  client: SQSClient,
  dlqUrl: string,
  max: number,
  holdS = 300,
): Promise<SqsDeadLetterTake> {
  const sdk = await loadSqsSdk();
  const letters: SqsDeadLetter[] = [];
  const held = new Map<SqsDeadLetter, string>();
  const handBack = (receipts: string[]) =>
    Promise.all(
      receipts.map((r) =>
        sqsCall('ChangeMessageVisibility (dead letter)', () =>
          client.send(
            new sdk.ChangeMessageVisibilityCommand({
              QueueUrl: dlqUrl,
              ReceiptHandle: r,
              VisibilityTimeout: 0,
            }),
          ),
        ),
      ),
    );
  // Said as RabbitMQ's take says it: a replay or list that stops at its limit otherwise reads as
  // if the DLQ were done. Counted before the take (as a list of RabbitMQ's DLQ does): AWS leaves
  // messages in flight out of ApproximateNumberOfMessages, local-aws-sqs counts them.
  const before = await approximateCount(client, sdk, dlqUrl).catch(() => undefined);
  // A replay can outlast one hold (1,500 letters at 200 ms each): renewed until the end, else its
  // later letters reappear while it still holds them (and a FIFO DLQ refuses their deletes).
  const renewal = renewHolds(client, sdk, dlqUrl, () => [...held.values()], holdS);
  try {
    for (let empty = false; letters.length < max && !empty; ) {
      const out = await sqsCall('ReceiveMessage (dead letters)', () =>
        client.send(
          new sdk.ReceiveMessageCommand({
            QueueUrl: dlqUrl,
            MaxNumberOfMessages: Math.min(10, max - letters.length),
            WaitTimeSeconds: 1,
            VisibilityTimeout: holdS,
            // The (deprecated) AttributeNames: local-aws-sqs honours only it; AWS still does.
            AttributeNames: ['SentTimestamp' as QueueAttributeName],
            MessageAttributeNames: ['All'],
          }),
        ),
      );
      const got = out.Messages ?? [];
      empty = got.length === 0;
      for (const m of got) {
        const letter = readLetter(m);
        letters.push(letter);
        held.set(letter, m.ReceiptHandle!);
      }
    }
  } catch (err) {
    await renewal.stop();
    await handBack([...held.values()]).catch(() => {}); // else they reappear after holdS
    throw err;
  }
  const remaining = before === undefined ? undefined : Math.max(0, before - letters.length);
  return {
    letters,
    remaining,
    async ack(letter) {
      const receipt = held.get(letter);
      if (!receipt) return;
      await sqsCall('DeleteMessage (dead letter)', () =>
        client.send(new sdk.DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: receipt })),
      );
      held.delete(letter);
    },
    async end() {
      await renewal.stop();
      const receipts = [...held.values()];
      held.clear();
      await handBack(receipts).catch((err: Error) => {
        throw new Error(`${err.message}; the letters not replayed reappear in ${dlqUrl} within ${holdS} s`, {
          cause: err,
        });
      });
    },
  };
}

/** The queue's ApproximateNumberOfMessages (only a count: a refusal must not fail the take). */
async function approximateCount(
  client: SQSClient,
  sdk: Awaited<ReturnType<typeof loadSqsSdk>>,
  url: string,
): Promise<number | undefined> {
  const out = await client.send(
    new sdk.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const n = Number(out.Attributes?.ApproximateNumberOfMessages);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function readLetter(m: Message): SqsDeadLetter {
  const attr = (name: string) => m.MessageAttributes?.[name]?.StringValue;
  const sent = Number(m.Attributes?.SentTimestamp);
  const parsed = parseEnvelope(m.Body ?? '');
  const count = Number(attr('warren-receive-count'));
  return {
    reason: attr('warren-reason') ?? 'moved by SQS redrive (no reason recorded)',
    body: m.Body ?? '',
    messageId: m.MessageId,
    deadAt: Number.isFinite(sent) && sent > 0 ? sent : undefined,
    decoded: parsed.ok && count > 0 ? { ...parsed, attempt: parsed.job.attempt - 1 + count } : parsed,
  };
}
