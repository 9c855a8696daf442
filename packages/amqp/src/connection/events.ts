/** What the adapter reports for metrics and logs (URLs are redacted). */
export type AmqpEvent =
  | { type: 'connected'; node: string; ms: number }
  | { type: 'disconnected'; node: string; error?: string }
  | { type: 'connect-failed'; node: string; error: string }
  | { type: 'reconnect-scheduled'; delayMs: number; attempt: number; error?: string }
  | { type: 'health'; node: string; healthy: boolean; latencyMs?: number; error?: string }
  | { type: 'blocked'; node: string; reason: string }
  | { type: 'unblocked'; node: string }
  | { type: 'confirm'; queue: string; ms: number }
  | { type: 'nack'; queue: string; full: boolean }
  | { type: 'topology-error'; queue: string; error: string }
  | { type: 'consumer-error'; queue: string; error: string }
  | { type: 'dead-lettered'; queue: string; reason: string }
  | { type: 'delay-hop'; queue: string; tierMs: number }
  | { type: 'publisher-channel-replaced'; reason: string; failover: boolean };

export type EventSink = (e: AmqpEvent) => void;
