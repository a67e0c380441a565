/** Fan-out of live items (log lines, events) to followers, with an optional replay ring. */

interface Follower<T> {
  push(item: T): void;
  end(): void;
}

/** Followers get every published item; `end` tells them the daemon is stopping. */
export class Broadcast<T> {
  private readonly followers = new Set<Follower<T>>();
  private readonly recent: T[] = [];

  /** `keep`: how many recent items `tail` can replay (0: none). */
  constructor(private readonly keep = 0) {}

  /** True while anyone follows (publishers can skip building items nobody reads). */
  get followed(): boolean {
    return this.followers.size > 0;
  }

  publish(item: T): void {
    if (this.keep > 0) {
      this.recent.push(item);
      if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
    }
    for (const f of this.followers) f.push(item);
  }

  subscribe(push: (item: T) => void, end: () => void): () => void {
    const follower = { push, end };
    this.followers.add(follower);
    return () => void this.followers.delete(follower);
  }

  /** The last `n` published items, oldest first. */
  tail(n: number): T[] {
    return n <= 0 ? [] : this.recent.slice(-n);
  }

  endAll(): void {
    for (const f of [...this.followers]) f.end();
  }
}
