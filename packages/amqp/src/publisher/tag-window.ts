/**
 * Unconfirmed publishes by delivery tag (1, 2, 3, ... per channel) in an array, the way amqplib
 * keeps its own: confirms arrive mostly in order and often as "everything up to N", so taking
 * from the front is the common case and costs no hashing.
 */
export class TagWindow<T> {
  private items: (T | undefined)[] = [];
  /** Index in `items` of the lowest tag still tracked. */
  private head = 0;
  /** The tag at `items[head]`. */
  private base = 1;
  size = 0;

  /** Tracks the next tag's item; returns its tag. */
  push(item: T): number {
    this.items.push(item);
    this.size++;
    return this.base + (this.items.length - 1 - this.head);
  }

  take(tag: number): T | undefined {
    const i = this.head + (tag - this.base);
    if (i < this.head || i >= this.items.length) return undefined;
    const item = this.items[i];
    if (item !== undefined) {
      this.items[i] = undefined;
      this.size--;
    }
    while (this.head < this.items.length && this.items[this.head] === undefined) {
      this.head++;
      this.base++;
    }
    this.compact();
    return item;
  }

  /** Removes every item with tag ≤ `tag`, oldest first, handing each to `fn`. */
  takeUpTo(tag: number, fn: (item: T) => void): void {
    while (this.head < this.items.length && this.base <= tag) {
      const item = this.items[this.head];
      this.items[this.head] = undefined;
      this.head++;
      this.base++;
      if (item !== undefined) {
        this.size--;
        fn(item);
      }
    }
    this.compact();
  }

  *values(): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i];
      if (item !== undefined) yield item;
    }
  }

  clear(): void {
    this.base += this.items.length - this.head;
    this.items = [];
    this.head = 0;
    this.size = 0;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
