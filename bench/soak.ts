/**
 * Soak run: trains the translation model of examples/translation.ts (its recipe, batch 32) for
 * many steps and records the heap and the resident set size every so often, to show that nothing
 * is retained from one step to the next (graphs, buffers, optimizer state). Not a timed test.
 *
 * Usage: node --expose-gc --import tsx bench/soak.ts [--steps 10000] [--every 1000] [--json]
 * (--expose-gc lets it collect garbage before each sample, so the numbers compare.)
 */
import { createTranslator } from '../examples/data/translator.js';

/** One measurement. */
export interface SoakSample {
  step: number;
  heapMB: number;
  rssMB: number;
}

const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const steps = option('steps', 10_000);
const every = option('every', 1_000);
const json = process.argv.includes('--json');
const collect = (globalThis as { gc?: () => void }).gc;

const translator = createTranslator({ steps });
const samples: SoakSample[] = [];
const sample = (step: number) => {
  collect?.();
  const { heapUsed, rss } = process.memoryUsage();
  samples.push({ step, heapMB: heapUsed / 2 ** 20, rssMB: rss / 2 ** 20 });
  if (!json)
    console.log(
      `step ${String(step).padStart(6)}  heap ${(heapUsed / 2 ** 20).toFixed(1)} MB  rss ${(rss / 2 ** 20).toFixed(1)} MB`,
    );
};

const started = performance.now();
sample(0);
for (let step = 1; step <= steps; step++) {
  translator.step(step);
  if (step % every === 0) sample(step);
}
if (json)
  console.log(
    JSON.stringify({
      steps,
      every,
      gc: collect !== undefined,
      seconds: (performance.now() - started) / 1000,
      samples,
    }),
  );
else
  console.log(
    `${steps} steps in ${((performance.now() - started) / 1000).toFixed(0)} s${collect ? '' : ' (run with --expose-gc for comparable samples)'}`,
  );
