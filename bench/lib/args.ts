/** `--name value` from `argv`, or `fallback` when the flag or its value is missing. */
export function argOption(argv: string[], name: string, fallback: string): string {
  const at = argv.indexOf(name);
  return at < 0 ? fallback : (argv[at + 1] ?? fallback);
}
