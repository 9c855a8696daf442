import { describe, expect, it } from 'vitest';
import { queueMismatch } from './queue-mismatch';

// RabbitMQ 3.10's texts, as amqplib reports a refused declare (captured on a real node).
const refused = (detail: string) =>
  Object.assign(
    new Error(
      `Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - ${detail}"`,
    ),
    { code: 406 },
  );

describe('queueMismatch', () => {
  it('reads the argument and both values in each form RabbitMQ writes them', () => {
    const cases: [string, string][] = [
      [
        "inequivalent arg 'x-queue-type' for queue 'q.dlq' in vhost '/': received 'quorum' but current is 'classic'",
        "queue q.dlq exists with other arguments: x-queue-type (type) is 'classic' on the broker, 'quorum' in warren's declare",
      ],
      [
        "inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received none but current is the value '5000' of type 'short'",
        "queue q exists with other arguments: x-message-ttl (messageTtlMs) is '5000' on the broker, not set in warren's declare",
      ],
      [
        "inequivalent arg 'x-max-priority' for queue 'q' in vhost 'prod': received the value '5' of type 'byte' but current is none",
        "queue q exists with other arguments: x-max-priority (maxPriority) is not set on the broker, '5' in warren's declare",
      ],
    ];
    for (const [detail, said] of cases) expect(queueMismatch(refused(detail))?.message).toContain(said);
  });

  it('is undefined for any other refusal', () => {
    expect(queueMismatch(refused("vhost '/' not found"))).toBeUndefined();
    expect(queueMismatch(new Error('socket closed'))).toBeUndefined();
  });
});
