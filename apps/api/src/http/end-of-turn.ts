// Why answers wait for the end of the event loop's turn (docs/decisions/037-answers-leave-together.md):
// writing an answer over loopback runs the peer's receive path on this thread, and when the peer is
// asleep that includes waking it. A peer that multiplexes many connections on one thread (the load
// balancer of the reference topology, a load generator) is otherwise woken once per answer, because
// the answers of one turn are written between the reads and the work of the next requests. Answers
// held to the end of the turn are written back to back, and the peer is woken about once per turn.

/** One turn of the event loop, as seen from a request that arrived in it. */
export interface Turn {
  /** True once the turn's end has passed (its `setImmediate` ran). */
  readonly ended: boolean;
  /** Resolves at the end of the turn: in the check phase that follows the turn's I/O. */
  readonly end: Promise<void>;
}

let current: { ended: boolean; end: Promise<void> } | undefined;

/**
 * The turn this code runs in. Requests that arrive in one turn share it, so one `setImmediate`
 * serves all of them.
 */
export function currentTurn(): Turn {
  if (current !== undefined) return current;
  let resolve!: () => void;
  const turn = { ended: false, end: new Promise<void>((r) => (resolve = r)) };
  setImmediate(() => {
    turn.ended = true;
    if (current === turn) current = undefined;
    resolve();
  });
  current = turn;
  return turn;
}

/**
 * Waits for the end of `turn` if it has not passed. An answer ready within the turn its request
 * arrived in leaves with the turn's other answers; one that waited past it (for the database's
 * group commit, say, which already answers a batch together) is not held for another turn.
 */
export async function answerAtEndOf(turn: Turn): Promise<void> {
  if (!turn.ended) await turn.end;
}
