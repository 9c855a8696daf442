import type { Channel, ChannelModel } from 'amqplib';

/**
 * The source queue's depth (a link's lag) by passive declare, on a channel of its own: a failed
 * check closes only that channel, which the next probe opens again.
 */
export class LagProbe {
  private ch?: Channel;

  constructor(
    private readonly conn: ChannelModel,
    private readonly queue: string,
    private readonly report: (depth: number) => void,
  ) {}

  async probe(): Promise<void> {
    try {
      if (!this.ch) {
        const c = await this.conn.createChannel();
        c.on('error', () => {});
        c.on('close', () => {
          if (this.ch === c) this.ch = undefined;
        });
        this.ch = c;
      }
      const q = await this.ch.checkQueue(this.queue);
      this.report(q.messageCount);
    } catch {
      this.ch = undefined;
    }
  }
}
