/** The value of one sample line (`name{labels} value`) in a Prometheus scrape, 0 when absent. */
export function sample(text: string, line: string): number {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}
