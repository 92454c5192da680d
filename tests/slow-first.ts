import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * A Vitest sequencer that starts the given files first, slowest first, then the rest in Vitest's
 * own order. Vitest orders by the durations of earlier runs, which a fresh clone (CI) does not
 * have: it then starts the largest files first, and a long file that happens to be small can
 * start last and leave one worker running alone at the end. Paths are relative to the root.
 */
export function slowFirst(slowest: readonly string[]) {
  return class SlowFirstSequencer extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(files);
      const rank = (file: TestSpecification) => {
        const at = slowest.findIndex((path) => file.moduleId.endsWith(`/${path}`));
        return at === -1 ? slowest.length : at;
      };
      // Array.prototype.sort is stable: files of equal rank keep Vitest's order.
      return [...sorted].sort((a, b) => rank(a) - rank(b));
    }
  };
}
