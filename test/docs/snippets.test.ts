/**
 * Every `@example` in the source's TSDoc runs, so the API reference never shows code that no
 * longer works. Each snippet is transpiled with TypeScript and run with every export of the
 * package in scope (as if imported from 'seqgrad'), plus `seedrandom` (see run-snippet.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countChecks, runSnippet } from './run-snippet.js';

const src = fileURLToPath(new URL('../../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The ```ts blocks that follow an @example tag, with the comment's leading `*` removed. */
function examples(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/@example\s*\n((?:\s*\*.*\n)+?)\s*\*\s*```\s*\n/g)) {
    const lines = (match[1] as string).split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
    const start = lines.findIndex((l) => l.startsWith('```'));
    if (start >= 0) found.push(lines.slice(start + 1).join('\n'));
  }
  return found;
}

const snippets = sourceFiles(src).flatMap((file) =>
  examples(readFileSync(file, 'utf8')).map((code, i) => ({
    name: `${relative(src, file)} example ${i + 1}`,
    code,
  })),
);

describe('TSDoc examples run', () => {
  it('finds the examples and their stated results', () => {
    expect(snippets.length).toBeGreaterThan(20);
    expect(snippets.map((s) => countChecks(s.code)).reduce((a, b) => a + b)).toBeGreaterThan(20);
  });
  for (const { name, code } of snippets) {
    it(name, () => runSnippet(code));
  }
});
