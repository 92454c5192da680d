/**
 * A unique slug for a new team: its name in lower-case ASCII words, plus a random suffix. Tandem
 * never shows or looks teams up by slug, but Better Auth requires one, unique across all teams;
 * the suffix keeps two teams of the same name from colliding.
 *
 * @example
 * teamSlug("Café Crew") // "cafe-crew-k3j9x2"
 */
export function teamSlug(
  name: string,
  random: () => Uint8Array = () => crypto.getRandomValues(new Uint8Array(6)),
) {
  const words = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  const suffix = Array.from(random(), (byte) => (byte % 36).toString(36)).join("");
  return words ? `${words}-${suffix}` : `team-${suffix}`;
}
