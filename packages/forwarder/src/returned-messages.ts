/**
 * Messages a channel had returned (basic.return: unroutable), each waiting for its confirm. On a
 * channel RabbitMQ sends a publish's return before its confirm, and a confirm alone does not
 * prove the message was stored, so the confirm callback asks `take` whether it was returned.
 * Matched by content and routing key: those equal, messages are interchangeable. By content
 * alone, a routed message whose confirm came late (a quorum queue confirms after its fsync) took
 * the return of an unroutable twin with the same bytes: it was dead-lettered though delivered,
 * and the twin was acked at the source though it went nowhere (lost; seen once in a full CI run).
 */
export class ReturnedMessages<W> {
  private readonly items: { content: Buffer; routingKey: string; why: W }[] = [];

  add(content: Buffer, routingKey: string, why: W): void {
    this.items.push({ content, routingKey, why });
  }

  /** Why the message was returned (forgetting it), or undefined if it was not. */
  take(content: Buffer, routingKey: string): W | undefined {
    if (this.items.length === 0) return undefined; // the usual case, on every confirm
    const i = this.items.findIndex((r) => r.routingKey === routingKey && r.content.equals(content));
    return i < 0 ? undefined : this.items.splice(i, 1)[0]!.why;
  }
}
