/**
 * Runs a documentation snippet as the docs tests do: transpiled with TypeScript and run with
 * every export of the package in scope (as if imported from 'seqgrad'), plus `seedrandom`. A
 * statement followed by a comment that starts with a literal (`x.shape; // [2, 3]`) states its
 * value and becomes a check, so the documented results are tested too.
 */
import seedrandom from 'seedrandom';
import ts from 'typescript';
import * as seqgrad from '../../src/index.js';

const STATEMENT = /^(\s*)(.+?);\s*\/\/\s*(.*)$/;
const SCALAR =
  /^(-?\d+(?:\.\d+)?(?:e-?\d+)?|-?Infinity|NaN|'[^']*'|"[^"]*"|true|false|null)(?:[\s:,]|$)/;

/**
 * The literal a comment starts with: a bracketed array (matched to its closing bracket) or a
 * scalar (a number, ±Infinity, NaN, a quoted string, true, false or null) followed by a space,
 * `:`, `,` or the end of the comment.
 */
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

/** Rewrites every `expr; // literal …` line into `__check("expr", expr, literal);`. */
export function withChecks(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const m = STATEMENT.exec(line);
      const literal = m ? leadingLiteral(m[3] as string) : null;
      // Not a statement of its own: a declaration, or the end of a multi-line one (`];`).
      if (!m || !literal || /^\s*((const|let|for|if|return)\b|[\])}])/.test(m[2] as string)) {
        return line;
      }
      return `${m[1]}__check(${JSON.stringify(m[2])}, ${m[2]}, ${literal});`;
    })
    .join('\n');
}

/** How many stated values `code` checks. */
export function countChecks(code: string): number {
  return withChecks(code).split('__check(').length - 1;
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

/** The names a snippet sees without importing them: the package's exports and `seedrandom`. */
export const baseScope: Readonly<Record<string, unknown>> = { ...seqgrad, seedrandom };

/** Runs `code` (TypeScript, no import statements) with `scope`'s names defined. */
export async function runSnippet(
  code: string,
  scope: Readonly<Record<string, unknown>> = baseScope,
): Promise<void> {
  const js = ts.transpileModule(withChecks(code), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  const names = { ...scope, __check: check };
  // In a block, the snippet's own declarations may shadow names in scope (`const full = …`).
  const run = new AsyncFunction(...Object.keys(names), `{\n${js}\n}`);
  await run(...Object.values(names));
}
