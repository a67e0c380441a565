/** What a child's output stream delivers, and the two streams one spawn is given. */

/** Where a feed's chunks go: `push` for each (a fresh buffer, which may be kept), `flush` once at the end. */
export interface OutputSink {
  push(chunk: Uint8Array): void;
  flush(): void;
}

/** A child's output stream as the daemon reads it. */
export interface OutputFeed {
  /** Sends every chunk to `sink`, then flushes it once the stream ends; chunks that came before attaching go first. */
  attach(sink: OutputSink): void;
}

/** The two streams opened for one spawn. */
export interface OutputPorts {
  /** Descriptors to give the child as its stdout and stderr. */
  readonly fds: readonly [stdout: number, stderr: number];
  readonly stdout: OutputFeed;
  readonly stderr: OutputFeed;
  /** Closes the supervisor's copies of the child's ends: once the child has them, or if it never will. */
  release(): void;
}

/** One stream's chunks, held until someone attaches. */
export class Feed implements OutputFeed {
  private held?: Uint8Array[];
  private ended = false;
  private sink?: OutputSink;

  attach(sink: OutputSink): void {
    for (const chunk of this.held ?? []) sink.push(chunk);
    this.held = undefined;
    if (this.ended) sink.flush();
    else this.sink = sink;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.ended) return;
    if (this.sink) this.sink.push(chunk);
    else (this.held ??= []).push(chunk);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    const sink = this.sink;
    this.sink = undefined;
    sink?.flush();
  }
}
