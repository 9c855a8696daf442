import type { ConfirmChannel } from 'amqplib';
import type { TagWindow } from './tag-window';

/** One publish waiting for its confirm. */
export interface Pending {
  exchange: string;
  queue: string;
  messageId: string;
  /** Body bytes: which publish a channel closed for an oversized message was about. */
  size: number;
  t0: number;
  deadline: number;
  /** The channel's `heard` when this was sent: unchanged at the deadline means nothing came back. */
  heard: number;
  done: boolean;
  resolve(): void;
  reject(err: Error): void;
}

/** One confirm channel and its unconfirmed publishes by delivery tag (1, 2, 3, ... per channel). */
export interface ChannelState {
  ch: ConfirmChannel;
  unconfirmed: TagWindow<Pending>;
  /** Nacks in a row with no ack between them (see ConfirmPublisher's `nacked`). */
  nacksInRow: number;
  /** Acks, nacks and returns received: a counter, so the hot path reads no clock for it. */
  heard: number;
  /** Found silent and failed over already (once per channel). */
  silent: boolean;
}
