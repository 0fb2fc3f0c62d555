/**
 * The web app's imports: no circle, and the screens on top (only the app
 * imports them; the API client, hooks, components and helpers import no screen).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** Each module of web/src (tests aside) and the modules of web/src it imports, by path from web/src. */
function importGraph(): Map<string, string[]> {
  const files = (fs.readdirSync(SRC, { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => f.split(path.sep).join('/'));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(SRC, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.') && !spec.endsWith('.css'))
      .map((spec) => {
        const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '');
        const found = [`${base}.ts`, `${base}.tsx`].find((f) => known.has(f));
        if (!found) throw new Error(`${file} imports ${spec}, which is not a module of web/src`);
        return found;
      });
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** An import circle, as the modules along it (the first repeated at the end), or undefined when there is none. */
function findCircle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const trail: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = trail.indexOf(node);
    if (at >= 0) return [...trail.slice(at), node];
    if (done.has(node)) return undefined;
    trail.push(node);
    for (const next of graph.get(node) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    trail.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const circle = visit(node);
    if (circle) return circle;
  }
  return undefined;
}

describe('web/src imports', () => {
  const graph = importGraph();

  it('finds the modules and their imports', () => {
    expect(graph.get('App.tsx')).toContain('screens/setup.tsx');
    expect(graph.get('screens/setup.tsx')).toContain('hooks.ts');
  });

  it('have no circle: no module imports itself through others', () => {
    expect(findCircle(graph)).toBeUndefined();
  });

  it('a circle would be found, however long', () => {
    expect(findCircle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCircle(new Map([['a', ['a']]]))).toEqual(['a', 'a']);
    expect(findCircle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toBeUndefined();
  });

  it('keep the screens on top: only the app imports them', () => {
    const wrongWay = [...graph].flatMap(([file, targets]) =>
      file.startsWith('screens/') || file === 'App.tsx' ? [] : targets.filter((t) => t.startsWith('screens/')).map((t) => `${file} -> ${t}`),
    );
    expect(wrongWay).toEqual([]);
  });
});
