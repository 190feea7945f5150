/**
 * Every `@example` in the source's TSDoc runs, so the API reference never shows code that no
 * longer works. Each snippet is transpiled with TypeScript and run with every export of the
 * package in scope (as if imported from 'seqgrad'), plus `seedrandom`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as seqgrad from '../../src/index.js';

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

/**
 * A statement followed by a comment that starts with a literal (`x.shape; // [2, 3]`) states its
 * value: rewrite it into a check, so the documented results are tested too.
 */
const STATEMENT = /^(\s*)(.+?);\s*\/\/\s*(.*)$/;
const SCALAR = /^(-?\d+(?:\.\d+)?(?:e-?\d+)?|'[^']*'|true|false)(?:\s|$)/;

/** The literal a comment starts with: a bracketed array (matched to its closing bracket) or a scalar. */
function leadingLiteral(comment: string): string | null {
  if (comment.startsWith('[')) {
    let depth = 0;
    for (let i = 0; i < comment.length; i++) {
      if (comment[i] === '[') depth++;
      if (comment[i] === ']' && --depth === 0) return comment.slice(0, i + 1);
    }
    return null;
  }
  return SCALAR.exec(comment)?.[1] ?? null;
}

function withChecks(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const m = STATEMENT.exec(line);
      const literal = m ? leadingLiteral(m[3] as string) : null;
      if (!m || !literal || /^\s*(const|let|for|if|return)\b/.test(m[2] as string)) return line;
      return `${m[1]}__check(${JSON.stringify(m[2])}, ${m[2]}, ${literal});`;
    })
    .join('\n');
}

function close(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return (
      Object.is(actual, expected) ||
      Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected))
    );
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => close(actual[i], e))
    );
  }
  return actual === expected;
}

function check(source: string, actual: unknown, expected: unknown): void {
  if (!close(actual, expected)) {
    throw new Error(
      `${source} is ${JSON.stringify(actual)}, but the example says ${JSON.stringify(expected)}`,
    );
  }
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;
const scope: Record<string, unknown> = { ...seqgrad, seedrandom, __check: check };

const snippets = sourceFiles(src).flatMap((file) =>
  examples(readFileSync(file, 'utf8')).map((code, i) => ({
    name: `${relative(src, file)} example ${i + 1}`,
    code,
  })),
);

describe('TSDoc examples run', () => {
  it('finds the examples and their stated results', () => {
    expect(snippets.length).toBeGreaterThan(20);
    const checks = snippets.map((s) => withChecks(s.code).split('__check(').length - 1);
    expect(checks.reduce((a, b) => a + b)).toBeGreaterThan(20);
  });
  for (const { name, code } of snippets) {
    it(name, async () => {
      const js = ts.transpileModule(withChecks(code), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      }).outputText;
      const run = new AsyncFunction(...Object.keys(scope), js);
      await run(...Object.values(scope));
    });
  }
});
