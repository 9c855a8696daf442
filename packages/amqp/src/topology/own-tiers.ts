import type { ChannelModel } from 'amqplib';
import { queueTierName } from './delay-tiers';

type DeclareTier = (model: ChannelModel, name: string, ms: number, report: boolean) => Promise<void>;

/**
 * The tiers of queues with a length limit (see queueTierName), declared on first use: a limited
 * queue that never gets a delayed job needs none. Per connection; the delay-topology check and a
 * tier repair declare again every one used so far.
 */
export class OwnTiers {
  private used = new Map<string, { ms: number; declared: Promise<void> }>();

  constructor(private readonly declareTier: DeclareTier) {}

  /** A new connection: each is declared again on its next use. */
  reset(): void {
    this.used = new Map();
  }

  /** The exchange of `queue`'s own `ms` tier, declared on this connection. */
  async exchange(model: ChannelModel, queue: string, ms: number): Promise<string> {
    const name = queueTierName(ms, queue);
    let entry = this.used.get(name);
    if (!entry) {
      const declared = this.declareTier(model, name, ms, true);
      entry = { ms, declared };
      this.used.set(name, entry);
      // A failed declaration (the connection going away) is tried again by the next publish.
      declared.catch(() => {
        if (this.used.get(name)?.declared === declared) this.used.delete(name);
      });
    }
    await entry.declared;
    return name;
  }

  async declareAgain(model: ChannelModel, report: boolean): Promise<void> {
    for (const [name, { ms }] of this.used) await this.declareTier(model, name, ms, report);
  }
}
