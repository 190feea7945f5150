/**
 * Every ```ts block in README.md and docs/**\/*.md runs and type-checks, so the guides never
 * show code that no longer works.
 *
 * - A block runs as the TSDoc examples do (run-snippet.ts): transpiled with TypeScript, with
 *   every export of the package and `seedrandom` in scope. Its `import … from 'seqgrad'`,
 *   `'seqgrad/node'` and `'seedrandom'` lines are dropped, since those names are in scope; any
 *   other import fails the test. A line `expr; // [2, 3]` checks that `expr` is `[2, 3]`.
 * - The blocks of one page run in order in one temporary directory, so a file that one block
 *   writes (with `saveSafetensorsFile`) can be read by the next, as a reader following the page
 *   would. {@link PAGE_FILES} copies the files a page reads but never writes.
 * - Every block also type-checks as written, as an ES module with the repository's tsconfig
 *   (`seqgrad` resolves to `src/`). A block without any import is checked with the package's
 *   exports imported, as it runs.
 * - A block that is not meant to run (a bundler config, a worker that needs a browser) is
 *   fenced ```ts no-run, or with another language (```js, ```sh, ```python, ```html).
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as node from '../../src/node.js';
import { baseScope, countChecks, runSnippet } from './run-snippet.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Files a page's blocks read without writing them first: page → { name in the page: source }. */
const PAGE_FILES: Record<string, Record<string, string>> = {
  'docs/pytorch-interop.md': {
    'lstm_cell.safetensors': 'test/fixtures/torch/lstm_cell_f64.safetensors',
  },
};

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return path.endsWith(join('docs', 'api')) ? [] : markdownFiles(path);
    return path.endsWith('.md') ? [path] : [];
  });
}

interface Block {
  /** e.g. `docs/concepts.md:42`, the line of the opening fence. */
  name: string;
  page: string;
  /** The code as written, imports included. */
  source: string;
}

/** The runnable blocks of a page: fenced ```ts or ```typescript, without the `no-run` flag. */
function blocks(page: string, text: string): Block[] {
  const found: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const [, indent, fence, lang, flags] = open as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] as string).trim().startsWith(fence); j++) {
      body.push((lines[j] as string).slice(indent.length));
    }
    if ((lang === 'ts' || lang === 'typescript') && !/\bno-run\b/.test(flags)) {
      found.push({ name: `${page}:${i + 1}`, page, source: body.join('\n') });
    }
    i = j;
  }
  return found;
}

const PROVIDED = /^import\s[^;'"]*?\sfrom\s*['"](seqgrad|seqgrad\/node|seedrandom)['"];?[ \t]*$/gm;

/** The block without the imports whose names are in scope; throws on any other import. */
function runnable(block: Block): string {
  const code = block.source.replace(PROVIDED, '');
  const other = /^import\s[\s\S]*?['"]([^'"]+)['"]/m.exec(code);
  if (other) {
    throw new Error(
      `${block.name} imports '${other[1]}', which the docs test cannot provide; fence it \`\`\`ts no-run if it is not meant to run`,
    );
  }
  return code;
}

/** The package's exports, `seedrandom`, and the Node file helpers resolving paths in `dir`. */
function pageScope(dir: string): Record<string, unknown> {
  return {
    ...baseScope,
    saveSafetensorsFile: (path: string, ...rest: [never, never?]) =>
      node.saveSafetensorsFile(resolve(dir, path), ...rest),
    loadSafetensorsFile: (path: string) => node.loadSafetensorsFile(resolve(dir, path)),
  };
}

/**
 * The block as a module: as written when it has imports; otherwise, like the runner, with every
 * value export of the package and `seedrandom` imported (on its first line, so lines still match).
 */
function asModule(block: Block): string {
  if (/^import\s/m.test(block.source)) return block.source;
  const names = Object.keys(baseScope).filter((name) => name !== 'seedrandom');
  return `import { ${names.join(', ')} } from 'seqgrad'; import seedrandom from 'seedrandom'; ${block.source}`;
}

/** Type-checks every block as its own ES module (`.mts`) against the source; returns the errors. */
function typeErrors(all: readonly Block[]): string[] {
  const configFile = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    paths: { ...parsed.options.paths, 'seqgrad/node': ['./src/node.ts'] },
  };
  const files = new Map(
    all.map((b, i) => [join(root, 'docs', `__snippet_${i}.mts`), { ...b, source: asModule(b) }]),
  );
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) => {
    const block = files.get(fileName);
    return block
      ? ts.createSourceFile(fileName, block.source, language)
      : getSourceFile(fileName, language, ...rest);
  };
  host.fileExists = (fileName) => files.has(fileName) || ts.sys.fileExists(fileName);
  host.readFile = (fileName) => files.get(fileName)?.source ?? ts.sys.readFile(fileName);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).flatMap((d) => {
    const block = d.file && files.get(d.file.fileName);
    if (!block || !d.file || d.start === undefined) return [];
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const [page, fence] = block.name.split(':') as [string, string];
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    return [`${page}:${Number(fence) + line + 1}: ${message}`];
  });
}

const pages = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))].map((path) => {
  const page = relative(root, path).split('\\').join('/');
  return { page, blocks: blocks(page, readFileSync(path, 'utf8')) };
});
const all = pages.flatMap((p) => p.blocks);

describe('markdown code blocks', () => {
  it('finds the blocks and their stated results', () => {
    expect(all.length).toBeGreaterThan(30);
    expect(all.map((b) => countChecks(b.source)).reduce((a, b) => a + b)).toBeGreaterThan(120);
  });

  it('are all in the guide (docs/index.md lists every page as a child, so typedoc renders it)', () => {
    const index = readFileSync(join(root, 'docs', 'index.md'), 'utf8');
    const frontMatter = /^---\n([\s\S]*?)\n---/.exec(index)?.[1] ?? '';
    const children = [...frontMatter.matchAll(/^\s+-\s+\.\/(\S+\.md)$/gm)].map(
      (m) => `docs/${m[1]}`,
    );
    const others = pages
      .map((p) => p.page)
      .filter((p) => p.startsWith('docs/') && p !== 'docs/index.md');
    expect(others.filter((p) => !children.includes(p))).toEqual([]);
  });

  it('type-check as modules importing from seqgrad', () => {
    expect(typeErrors(all)).toEqual([]);
  }, 60_000);

  for (const { page, blocks: pageBlocks } of pages) {
    if (pageBlocks.length === 0) continue;
    describe(page, () => {
      let dir = '';
      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'seqgrad-docs-'));
        for (const [name, source] of Object.entries(PAGE_FILES[page] ?? {})) {
          copyFileSync(join(root, source), join(dir, name));
        }
      });
      afterAll(() => rmSync(dir, { recursive: true, force: true }));
      for (const block of pageBlocks) {
        it(block.name, () => runSnippet(runnable(block), pageScope(dir)));
      }
    });
  }
});
