/** The retry schedule and the bounded queue of notify. */
import { expect, test } from "bun:test";
import { BoundedQueue } from "../../src/notify/queue.ts";
import { MAX_RETRY_DELAY_MS, retryDelayMs, retrySchedule } from "../../src/notify/retry.ts";

test("retries wait the base delay, then double, capped", () => {
  expect(retrySchedule(4, 1_000)).toEqual([1_000, 2_000, 4_000, 8_000]);
  expect(retrySchedule(0, 1_000)).toEqual([]);
  expect(retryDelayMs(20, 1_000)).toBe(MAX_RETRY_DELAY_MS);
  expect(retrySchedule(3, 0)).toEqual([0, 0, 0]);
});

test("the queue keeps order and refuses past its capacity, taking again once drained", () => {
  const q = new BoundedQueue<number>(3);
  expect([1, 2, 3, 4].map((n) => q.push(n))).toEqual([true, true, true, false]);
  expect(q.length).toBe(3);
  expect(q.shift()).toBe(1);
  expect(q.push(5)).toBe(true);
  expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([2, 3, 5, undefined]);
  expect(q.length).toBe(0);
  q.capacity = 1;
  expect([q.push(6), q.push(7)]).toEqual([true, false]);
});
