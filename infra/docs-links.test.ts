/**
 * The documentation's relative links resolve: every link in the README, the
 * pages in docs/ and the other READMEs names a file that exists, and a link
 * with an anchor names a heading of that page (as GitHub makes anchors).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const pages = [
  'README.md',
  'bench/README.md',
  'local/sandboxes/README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens; repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('the documentation links', () => {
  it('finds the pages and their links', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/providers.md', 'docs/connecting.md', 'docs/health.md', 'docs/operations.md']));
    expect(links(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(5);
  });

  for (const page of pages) {
    it(`${page}: every relative link names an existing file, and heading`, () => {
      const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
      for (const link of links(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
        const [target, anchor] = link.split('#') as [string, string | undefined];
        const file = target ? path.resolve(ROOT, path.dirname(page), decodeURI(target)) : path.join(ROOT, page);
        expect(file.startsWith(ROOT + path.sep), `${page}: ${link} leaves the repository`).toBe(true);
        expect(fs.existsSync(file), `${page}: ${link} names no file`).toBe(true);
        if (anchor && file.endsWith('.md')) {
          expect([...anchors(fs.readFileSync(file, 'utf8'))], `${page}: ${link} names no heading`).toContain(anchor);
        }
      }
    });
  }
});
