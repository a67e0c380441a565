import { expect, test } from "bun:test";
import { MemoryOverruns, memoryCause, SAMPLES_OVER } from "../../src/daemon/memory-limit.ts";

const MB = 1024 ** 2;

test("restarts only after SAMPLES_OVER samples in a row over the limit; a sample at or under it starts the count over", () => {
  expect(SAMPLES_OVER).toBe(2);
  const o = new MemoryOverruns();
  expect(o.note("web", 10, 600 * MB, 512 * MB)).toBeUndefined();
  expect(o.note("web", 10, 512 * MB, 512 * MB)).toBeUndefined(); // at the limit is not over it
  expect(o.note("web", 10, 530 * MB, 512 * MB)).toBeUndefined();
  expect(o.note("web", 10, 530 * MB, 512 * MB)).toBe("memory 530 MB over max_memory 512 MB");
  // Once it has said so, the count starts over (the restart takes a moment; one more sample is not a second restart).
  expect(o.note("web", 10, 530 * MB, 512 * MB)).toBeUndefined();
});

test("a new child (pid) starts the count over; services are counted apart; retain forgets the others", () => {
  const o = new MemoryOverruns();
  expect(o.note("web", 10, 600 * MB, 512 * MB)).toBeUndefined();
  expect(o.note("web", 11, 600 * MB, 512 * MB)).toBeUndefined();
  expect(o.note("api", 20, 2 * MB, 1 * MB)).toBeUndefined();
  o.retain(new Set(["web"]));
  expect(o.note("api", 20, 2 * MB, 1 * MB)).toBeUndefined();
  expect(o.note("web", 11, 600 * MB, 512 * MB)).toBe("memory 600 MB over max_memory 512 MB");
});

test("memoryCause: whole MB, one decimal below 10 MB", () => {
  expect(memoryCause(555_745_280, 536_870_912)).toBe("memory 530 MB over max_memory 512 MB");
  expect(memoryCause(1.55 * MB, 1 * MB)).toBe("memory 1.6 MB over max_memory 1 MB");
  expect(memoryCause(3 * 1024 ** 3, 2 * 1024 ** 3)).toBe("memory 3072 MB over max_memory 2048 MB");
});
