/**
 * Which source deliveries may be acked. Deliveries arrive in delivery-tag order; each is settled
 * (confirmed by the destination, or dead-lettered and that publish confirmed) in any order.
 * Only the contiguous settled prefix is acked, with one `multiple: true` ack, so an unconfirmed
 * message is never covered by a multiple ack.
 */
export class AckTracker {
  private order: number[] = [];
  private head = 0;
  private readonly settled = new Set<number>();
  /** Highest tag acked so far (0 = none). */
  acked = 0;

  track(tag: number): void {
    this.order.push(tag);
  }

  settle(tag: number): void {
    this.settled.add(tag);
  }

  /** Unsettled or settled-but-not-yet-acked deliveries held. */
  get inFlight(): number {
    return this.order.length - this.head;
  }

  /**
   * Advances over the settled prefix. Returns the tag to ack with `multiple: true` and how many
   * messages it covers, or undefined when the head is still waiting for its confirm.
   */
  takeAckable(): { upTo: number; count: number } | undefined {
    let count = 0;
    let upTo = 0;
    while (this.head < this.order.length) {
      const tag = this.order[this.head]!;
      if (!this.settled.delete(tag)) break;
      upTo = tag;
      this.head++;
      count++;
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    if (count === 0) return undefined;
    this.acked = upTo;
    return { upTo, count };
  }

  /**
   * Every settled tag not acked yet, in any order, forgotten here: for a session that ends with its
   * prefix blocked, acked one by one (`multiple: false`) so confirmed messages are not sent again.
   */
  takeSettled(): number[] {
    const tags = [...this.settled];
    this.settled.clear();
    return tags;
  }

  reset(): void {
    this.order = [];
    this.head = 0;
    this.settled.clear();
    this.acked = 0;
  }
}
