// Every link in the repository's Markdown must resolve inside the repository: the docs are read
// from a clone, so a link to another site or to a folder beside the checkout is a dead end.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The tracked Markdown files, repository-relative. */
function markdownFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--", "*.md"], { cwd: ROOT, encoding: "utf8" });
  return out.split("\0").filter((file) => file !== "" && existsSync(join(ROOT, file)));
}

/** The text without fenced code blocks, code spans and HTML comments, which hold no links. */
function withoutCode(text: string): string {
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/(`+)[\s\S]*?\1/g, "");
}

/** Every link target: inline `[text](target)` and `![alt](target)`, `<scheme:…>` autolinks, reference definitions. */
export function linkTargets(markdown: string): string[] {
  const text = withoutCode(markdown);
  const targets: string[] = [];
  for (const m of text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g))
    targets.push(m[1] ?? "");
  for (const m of text.matchAll(/<([a-z][a-z0-9+.-]*:[^>\s]*)>/gi)) targets.push(m[1] ?? "");
  for (const m of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) targets.push(m[1] ?? "");
  return targets;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_[\]]/g, "")
    .replace(/[^\p{L}\p{N} -]/gu, "")
    .replace(/ /g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of withoutCodeBlocks(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1] ?? "");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function withoutCodeBlocks(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** Why `target`, linked from `file`, does not resolve inside the repository; null when it does. */
export function problemWith(file: string, target: string): string | null {
  if (target === "") return "empty link";
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return "leaves the repository (links to another site)";
  if (target.startsWith("/")) return "absolute path (use a path relative to the file)";
  const [pathPart = "", anchor] = target.split("#", 2);
  const path = decodeURIComponent(pathPart);
  const absolute = path === "" ? join(ROOT, file) : resolve(ROOT, dirname(file), path);
  const inside = relative(ROOT, absolute);
  if (inside.startsWith("..")) return "leaves the repository";
  if (!existsSync(absolute)) return "no such file";
  if (anchor !== undefined && anchor !== "" && absolute.endsWith(".md") && statSync(absolute).isFile()) {
    if (!anchorsOf(readFileSync(absolute, "utf8")).has(anchor)) return `no heading for #${anchor}`;
  }
  return null;
}

describe("Markdown links", () => {
  it("finds inline, image, autolink and reference links, but none inside code", () => {
    const sample = [
      "See [a](docs/a.md#x) and ![chart](b.svg 'title') and <https://example.com>.",
      "[ref]: ../shared/c.md",
      "`[not](a-link.md)`",
      "```sh",
      "[not](either.md)",
      "```",
    ].join("\n");
    expect(linkTargets(sample)).toEqual(["docs/a.md#x", "b.svg", "https://example.com", "../shared/c.md"]);
  });

  it("refuses links to other sites, outside the repository, to missing files or headings", () => {
    expect(problemWith("README.md", "https://example.com")).toMatch(/another site/);
    expect(problemWith("docs/security.md", "../../shared/docs/security-requirements.md")).toMatch(/leaves/);
    expect(problemWith("README.md", "docs/missing.md")).toBe("no such file");
    expect(problemWith("README.md", "#no-such-heading-here")).toMatch(/no heading/);
    expect(problemWith("README.md", "docs/decisions/007-list-path-database-tuning.md")).toBeNull();
  });

  it("every link in every tracked Markdown file resolves inside the repository", () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      for (const target of linkTargets(readFileSync(join(ROOT, file), "utf8"))) {
        const problem = problemWith(file, target);
        if (problem !== null) broken.push(`${file}: ${target} — ${problem}`);
      }
      // A file named by path rather than linked still sends the reader outside the clone.
      if (/(^|[\s`(/])shared\/docs\//m.test(readFileSync(join(ROOT, file), "utf8"))) {
        broken.push(`${file}: names shared/docs/, which is not in the repository`);
      }
    }
    expect(broken).toEqual([]);
  });
});
