/**
 * Messages a channel had returned (basic.return: unroutable), each waiting for its confirm. On a
 * channel RabbitMQ sends a publish's return before its confirm, and a confirm alone does not
 * prove the message was stored, so the confirm callback asks `take` whether it was returned.
 * Matched by content: equal contents are interchangeable.
 */
export class ReturnedMessages<W> {
  private readonly items: { content: Buffer; why: W }[] = [];

  add(content: Buffer, why: W): void {
    this.items.push({ content, why });
  }

  /** Why `content` was returned (forgetting it), or undefined if it was not. */
  take(content: Buffer): W | undefined {
    if (this.items.length === 0) return undefined; // the usual case, on every confirm
    const i = this.items.findIndex((r) => r.content.equals(content));
    return i < 0 ? undefined : this.items.splice(i, 1)[0]!.why;
  }
}
