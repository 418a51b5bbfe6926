import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { ROOT } from "../helpers/synth";

/** The pages a reader follows: the front page, the contributor's and change pages, and docs/. */
const PAGES = [
  "README.md",
  "CHANGELOG.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`),
].filter((f) => f.endsWith(".md"));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

/** Relative links of a page (code blocks and inline code left out), as [page, target]. */
function linksOf(page: string): [string, string][] {
  const text = readFileSync(join(ROOT, page), "utf8")
    .replace(/```[\s\S]*?```/g, "")
    .replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((t) => !/^(https?:|mailto:)/.test(t))
    .map((t) => [page, t]);
}

function broken([page, target]: [string, string]): string | null {
  const [path, anchor] = target.split("#");
  const file = path ? relative(ROOT, join(ROOT, dirname(page), path)) : page;
  if (!existsSync(join(ROOT, file))) return `${page}: ${target} (no such file)`;
  if (anchor && file.endsWith(".md") && !anchorsOf(file).has(anchor)) return `${page}: ${target} (no such heading)`;
  return null;
}

describe("the documentation", () => {
  it("keeps README.md a front page of at most 200 lines", () => {
    expect(readFileSync(join(ROOT, "README.md"), "utf8").split("\n").length).toBeLessThanOrEqual(200);
  });

  it("finds the pages and their links, so the check below has something to check", () => {
    expect(PAGES).toEqual(
      expect.arrayContaining([
        "README.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "docs/configuration.md",
        "docs/testing.md",
      ]),
    );
    expect(PAGES.flatMap(linksOf).length).toBeGreaterThan(20);
  });

  it("has no link to a file or heading that does not exist", () => {
    expect(PAGES.flatMap(linksOf).map(broken).filter(Boolean)).toEqual([]);
  });

  it("links every page of docs/ from the README", () => {
    const linked = new Set(linksOf("README.md").map(([, t]) => t.split("#")[0]));
    expect(PAGES.filter((p) => p.startsWith("docs/") && !linked.has(p))).toEqual([]);
  });

  it("would catch a broken link and a broken anchor", () => {
    expect(broken(["README.md", "docs/nothing-here.md"])).toBe("README.md: docs/nothing-here.md (no such file)");
    expect(broken(["README.md", "docs/testing.md#no-such-heading"])).toBe(
      "README.md: docs/testing.md#no-such-heading (no such heading)",
    );
    expect(broken(["README.md", "docs/testing.md#timings"])).toBeNull();
  });
});
