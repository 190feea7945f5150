/**
 * The built package, loaded the way users load it: by name, in a child `node` process, through
 * both the ESM and the CJS entry points. vitest's own CommonJS interop would hide a broken ESM
 * build (TOOLCHAIN.md §5), which is why this does not import dist/ in-process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(new URL('../dist/index.js', import.meta.url));
const run = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

/** Trains one step of a tiny model and prints the gradient: exercises ndarray, seedrandom and autograd. */
const program = (load: string) => `${load}
manualSeed(1);
const w = randn([3, 2], { requiresGrad: true });
const x = tensor([[1, 2, 3]]);
const loss = crossEntropy(matmul(x, w), [1]);
loss.backward();
console.log(JSON.stringify({ shape: w.grad.shape, finite: w.grad.toArray().flat().every(Number.isFinite), error: (() => { try { matmul(x, x); } catch (e) { return e.name; } })() }));`;

const expected = JSON.stringify({ shape: [3, 2], finite: true, error: 'ShapeError' });

describe.skipIf(!built)('the built package', () => {
  it('works through the ESM entry point', () => {
    const source = program(
      "import { manualSeed, randn, tensor, crossEntropy, matmul } from 'seqgrad';",
    );
    expect(run(['--input-type=module', '-e', source])).toBe(expected);
  });
  it('works through the CJS entry point', () => {
    const source = program(
      "const { manualSeed, randn, tensor, crossEntropy, matmul } = require('seqgrad');",
    );
    expect(run(['-e', source])).toBe(expected);
  });
});
