/** The fan-out behind `logs -f` and `events`: every follower gets every item, the ring replays the last N. */
import { describe, expect, test } from "bun:test";
import { Broadcast } from "../../src/daemon/broadcast.ts";

describe("Broadcast", () => {
  test("every follower gets each published item, in order, from when it subscribed", () => {
    const b = new Broadcast<number>();
    const first: number[] = [];
    const second: number[] = [];
    b.subscribe((n) => first.push(n), () => {});
    b.publish(1);
    b.subscribe((n) => second.push(n), () => {});
    b.publish(2);
    b.publish(3);
    expect(first).toEqual([1, 2, 3]);
    expect(second).toEqual([2, 3]);
  });

  test("an unsubscribed follower gets nothing more; unsubscribing twice is harmless", () => {
    const b = new Broadcast<string>();
    const got: string[] = [];
    const off = b.subscribe((s) => got.push(s), () => {});
    b.publish("a");
    off();
    off();
    b.publish("b");
    expect(got).toEqual(["a"]);
  });

  test("endAll ends every follower once; a follower that unsubscribes while ending does not disturb the others", () => {
    const b = new Broadcast<number>();
    const ended: string[] = [];
    const offA = b.subscribe(() => {}, () => {
      ended.push("a");
      offA();
    });
    b.subscribe(() => {}, () => ended.push("b"));
    b.endAll();
    expect(ended.sort()).toEqual(["a", "b"]);
  });

  test("tail replays the last N kept items, oldest first; the ring holds at most `keep`", () => {
    const b = new Broadcast<number>(5);
    for (let i = 1; i <= 12; i++) b.publish(i);
    expect(b.tail(3)).toEqual([10, 11, 12]);
    expect(b.tail(5)).toEqual([8, 9, 10, 11, 12]);
    expect(b.tail(100)).toEqual([8, 9, 10, 11, 12]);
    expect(b.tail(0)).toEqual([]);
    expect(b.tail(-1)).toEqual([]);
  });

  test("without a ring, tail is always empty (log lines are replayed from files instead)", () => {
    const b = new Broadcast<number>();
    b.publish(1);
    expect(b.tail(10)).toEqual([]);
  });

  test("tail returns a copy: changing it does not change the ring", () => {
    const b = new Broadcast<number>(3);
    b.publish(1);
    b.tail(3).push(99);
    expect(b.tail(3)).toEqual([1]);
  });
});
