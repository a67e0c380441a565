/** A first-in first-out queue that refuses items past its bound (the caller counts the refusal). No I/O. */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;

  /** May be changed between pushes (a reload may change `notify.queue`). */
  constructor(public capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** False, and nothing queued, when full. */
  push(item: T): boolean {
    if (this.length >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    this.head++;
    // Compacted once half is spent: shift stays O(1) amortised without an ever-growing array.
    if (this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
