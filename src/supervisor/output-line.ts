/** One line of a child's output, as the Supervisor hands it on. */
import type { LogLine } from "./types.ts";

/** Made at first use: a daemon whose output nobody reads or follows never decodes a line. */
let decoder: TextDecoder | undefined;

/** The text of one line of output: UTF-8, invalid bytes replaced, never throwing. */
export function decodeLine(bytes: Uint8Array): string {
  decoder ??= new TextDecoder("utf-8", { fatal: false });
  return decoder.decode(bytes);
}

/** A LogLine whose text is decoded on first use (most lines of a flood are never read as text). */
export class OutputLine implements LogLine {
  private decoded?: string;

  constructor(
    readonly service: string,
    readonly stream: "stdout" | "stderr",
    /** A view valid only during the callback: copy to keep. */
    readonly bytes: Uint8Array,
    readonly at: number,
  ) {}

  get text(): string {
    this.decoded ??= decodeLine(this.bytes);
    return this.decoded;
  }
}
