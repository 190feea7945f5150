/**
 * The same seed gives bit-identical training in separate processes: 200 steps of the translation
 * example's recipe (dropout masks included) and a seeded sample at the end, run in two child
 * processes at once.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('two processes training the translation model for 200 steps agree bit for bit', async () => {
  const script = fileURLToPath(new URL('./translation-run.ts', import.meta.url));
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const run = () =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      encoding: 'utf8',
    });
  const [a, b] = await Promise.all([run(), run()]);
  const first = JSON.parse(a.stdout.trim()) as {
    finalLoss: number;
    digest: string;
    tokens: number[];
  };
  expect(first.finalLoss).toBeLessThan(1); // it did train
  expect(first.tokens.length).toBeGreaterThan(0);
  expect(b.stdout).toBe(a.stdout);
});
