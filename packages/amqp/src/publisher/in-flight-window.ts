import { TransportError } from '@warren/core';

interface Waiter {
  deadline: number;
  resolve(): void;
  reject(err: Error): void;
}

/** A counting semaphore with FIFO waiters that give up at their deadline (see `expire`). */
export class InFlightWindow {
  used = 0;
  private readonly waiters: Waiter[] = [];
  private closedWith: Error | undefined;

  constructor(private readonly size: number) {}

  /** Takes a slot at once if one is free and nobody is queued. */
  tryAcquire(): boolean {
    if (this.closedWith || this.used >= this.size || this.waiters.length > 0) return false;
    this.used++;
    return true;
  }

  acquire(deadline: number): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.used < this.size && this.waiters.length === 0) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiters.push({ deadline, resolve, reject }));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next)
      next.resolve(); // the slot passes straight to the next waiter
    else this.used = Math.max(0, this.used - 1);
  }

  waiting(): number {
    return this.waiters.length;
  }

  /** Rejects waiters whose deadline passed (called by the publisher's sweep timer). */
  expire(now: number): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (now >= w.deadline) {
        this.waiters.splice(i, 1);
        w.reject(new TransportError('publish window full until the timeout (broker not confirming)', true));
      }
    }
  }

  close(err: Error): void {
    this.closedWith = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
