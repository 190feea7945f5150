/**
 * The same seed gives bit-identical results: a Seq2SeqTransformer with dropout trained by Adam
 * for 30 steps, then a seeded sampleDecode, twice in this process (every loss and weight compared
 * with Object.is) and once in each of two fresh `node` processes (their printed fingerprints
 * compared as strings). The run itself lives in determinism-run.ts.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Seq2SeqTransformer } from '../../src/index.js';
import { fingerprint, type TrainingRun, train } from './determinism-run.js';

/** The first element where two runs differ, by Object.is (so −0 ≠ 0 and NaN = NaN), or null. */
function firstDifference(a: TrainingRun, b: TrainingRun): string | null {
  const same = (x: readonly number[], y: readonly number[], what: string): string | null => {
    if (x.length !== y.length) return `${what}: ${x.length} vs ${y.length} elements`;
    const i = x.findIndex((v, k) => !Object.is(v, y[k]));
    return i < 0 ? null : `${what}[${i}]: ${x[i]} vs ${y[i]}`;
  };
  const names = (r: TrainingRun) => r.weights.map(([n]) => n).join(',');
  if (names(a) !== names(b)) return `parameter names: ${names(a)} vs ${names(b)}`;
  return (
    same(a.losses, b.losses, 'losses') ??
    a.weights.reduce<string | null>(
      (found, [name, values], k) => found ?? same(values, b.weights[k]?.[1] ?? [], name),
      null,
    ) ??
    same(a.tokens, b.tokens, 'tokens')
  );
}

describe('determinism in one process', () => {
  it('dropout is active in training, so the masks (and their seeding) matter', () => {
    const model = new Seq2SeqTransformer(11, 13, {
      dModel: 16,
      nHead: 2,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dropout: 0.3,
      rng: seedrandom('dropout check'),
    });
    const src = [[3, 4, 5, 6]];
    const tgt = [[1, 7, 8]];
    const first = model.forward(src, tgt).toArray();
    expect(model.forward(src, tgt).toArray()).not.toEqual(first);
    model.eval();
    expect(model.forward(src, tgt).toArray()).toEqual(model.forward(src, tgt).toArray());
  });

  for (const defaultGenerator of [false, true]) {
    const how = defaultGenerator ? 'manualSeed and the default generator' : 'a seeded rng option';
    it(`two 30-step Adam runs from the same seed (${how}) give identical losses, weights and samples`, () => {
      const a = train('determinism', { defaultGenerator });
      const b = train('determinism', { defaultGenerator });
      expect(a.losses).toHaveLength(30);
      expect(a.losses.every(Number.isFinite)).toBe(true);
      expect(a.losses.at(-1)).toBeLessThan(a.losses[0] as number); // it trained
      expect(a.tokens.length).toBeGreaterThan(0);
      expect(firstDifference(a, b)).toBeNull();
      // A different seed changes the run: the comparison above is not vacuous.
      expect(firstDifference(a, train('another seed', { defaultGenerator }))).not.toBeNull();
    });
  }
});

describe('determinism across processes', () => {
  it('two fresh node processes print the same fingerprint, and it matches this process', async () => {
    const script = fileURLToPath(new URL('./determinism-run.ts', import.meta.url));
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const run = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', script, 'determinism', '30'], {
        cwd: root,
        encoding: 'utf8',
      });
    const [first, second] = await Promise.all([run(), run()]);
    expect(first.stderr).toBe('');
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(2); // a seeded rng option, then manualSeed
    expect(second.stdout).toBe(first.stdout);
    // This process (vitest's module loader) computes the very same bits.
    const here = [false, true].map((defaultGenerator) =>
      fingerprint(train('determinism', { defaultGenerator })),
    );
    expect(lines).toEqual(here);
  });
});
