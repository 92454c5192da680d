import { describe, expect, it } from "vitest";
import { answerAtEndOf, arrivalTurn, type Turn } from "./end-of-turn.ts";

/** Resolves in the check phase of the loop's next turn (or of this one, from the poll phase). */
const nextImmediate = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets every queued promise reaction run, without letting the event loop turn. */
async function drainMicrotasks() {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Asserts that `answer` stays pending through the turn's own work and settles at `turn`'s end. */
async function expectHeldUntil(answer: Promise<void>, turn: Turn) {
  let answered = false;
  const settled = answer.then(() => (answered = true));
  await drainMicrotasks();
  expect(answered).toBe(false);
  await turn.end;
  await settled;
  expect(answered).toBe(true);
}

describe("arrivalTurn", () => {
  it("is one turn for everything that runs in it, and a new one after its end", async () => {
    const first = arrivalTurn();
    expect(arrivalTurn()).toBe(first);
    expect(first.ended).toBe(false);
    await first.end;
    expect(first.ended).toBe(true);
    const second = arrivalTurn();
    expect(second).not.toBe(first);
    expect(second.ended).toBe(false);
    await second.end;
  });
});

describe("answerAtEndOf", () => {
  it("holds an answer ready within its turn until the turn's end", async () => {
    const turn = arrivalTurn();
    await expectHeldUntil(answerAtEndOf(turn), turn);
  });

  it("answers every request of one turn together, after the turn's own work", async () => {
    const order: string[] = [];
    const turn = arrivalTurn();
    const answers = [1, 2, 3].map((n) => answerAtEndOf(turn).then(() => order.push(`answer ${n}`)));
    queueMicrotask(() => order.push("more work of the turn"));
    await Promise.all(answers);
    expect(order).toEqual(["more work of the turn", "answer 1", "answer 2", "answer 3"]);
  });

  it("holds an answer ready in a later turn, in which another request arrived, to that turn's end", async () => {
    const first = arrivalTurn();
    await first.end;
    const second = arrivalTurn();
    expect(second).not.toBe(first);
    await expectHeldUntil(answerAtEndOf(first), second);
  });

  it("does not hold an answer ready between turns (its turn ended, no request arrived since)", async () => {
    const turn = arrivalTurn();
    await turn.end;
    // Waiting for another turn would let this immediate run first.
    const order: string[] = [];
    const later = nextImmediate().then(() => order.push("next turn"));
    await answerAtEndOf(turn);
    order.push("answered");
    await later;
    expect(order).toEqual(["answered", "next turn"]);
  });
});
