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

// The turn requests are arriving in. Undefined from a turn's end until the next request arrives:
// the rest of that check phase (where the group commit answers its batch, already together) and
// whatever runs before the next turn's first read. An immediate scheduled in a check phase would
// only run in the next turn, after its reads and work.
let current: { ended: boolean; end: Promise<void> } | undefined;

function openTurn(): Turn {
  let resolve!: () => void;
  const turn = { ended: false, end: new Promise<void>((r) => (resolve = r)) };
  setImmediate(() => {
    turn.ended = true;
    current = undefined;
    resolve();
  });
  current = turn;
  return turn;
}

/**
 * The turn a request arrives in, called as it arrives. Requests that arrive in one turn share it,
 * so one `setImmediate` serves all of them.
 */
export function arrivalTurn(): Turn {
  return current ?? openTurn();
}

/**
 * Waits, when the answer is ready, for the end of the turn it is ready in: the turn its request
 * arrived in, or a later one in which requests arrived too (an answer that waited for PostgreSQL
 * is read in such a turn's I/O). An answer ready between turns is not held: it is in a check phase
 * with other answers (the group commit's), or in a turn no request has reached yet.
 */
export async function answerAtEndOf(arrival: Turn): Promise<void> {
  if (!arrival.ended) await arrival.end;
  else if (current !== undefined) await current.end;
}
