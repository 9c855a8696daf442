/** What the queue orders by: higher first. */
export interface Prioritised {
  priority: number;
}

/**
 * A queue's ready messages, highest priority first, taken from the head in O(1). An array's
 * shift() is O(n) once its backing store is large (V8 cannot trim it in place): draining a
 * 100,000-job backlog from the in-memory broker took 10.7 s against 1.2 s for 20,000. Taken
 * items leave a gap at the front, compacted once it is half the array.
 */
export class ReadyQueue<T extends Prioritised> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined; // no reference kept to a taken message
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /**
   * Behind its equals (a publish), or ahead of them (`front`: a message handed back, as RabbitMQ
   * requeues it near the head). Scans from the end it goes to, so a queue without priorities
   * (all 0) costs a push, or an insert at the head.
   */
  insert(item: T, front: boolean): void {
    const { items } = this;
    if (front) {
      let i = this.head;
      while (i < items.length && items[i]!.priority > item.priority) i++;
      if (i === this.head && this.head > 0) items[--this.head] = item;
      else items.splice(i, 0, item);
      return;
    }
    let i = items.length;
    while (i > this.head && items[i - 1]!.priority < item.priority) i--;
    if (i === items.length) items.push(item);
    else items.splice(i, 0, item);
  }
}
