import type { DecodedRmqMessage } from './rmq-event';
import type { RmqDecodeResult } from './rmq-handler';

/**
 * A decode that throws reads as poison, as in the amqp consumer: handed back (the infrastructure
 * path) it came back every 2 s for ever, each time a Lambda invocation.
 */
export function safeDecode(
  decode: (m: DecodedRmqMessage) => RmqDecodeResult,
  m: DecodedRmqMessage,
): RmqDecodeResult {
  try {
    return decode(m);
  } catch (err) {
    return { ok: false, reason: `decode failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
