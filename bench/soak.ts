/**
 * Soak run: trains the translation model of examples/translation.ts for many steps and records
 * the heap and the resident set size every so often, to show that nothing is retained from one
 * step to the next (graphs, buffers, optimizer state growing). Not a timed test.
 *
 * Usage: node --expose-gc --import tsx bench/soak.ts [--steps 10000] [--every 1000] [--json]
 * (--expose-gc lets it collect garbage before each sample, so the numbers compare.)
 */
import {
  Adam,
  crossEntropy,
  manualSeed,
  padSequences,
  Seq2SeqTransformer,
  Vocabulary,
} from 'seqgrad';
import { toyTranslationCorpus } from '../examples/data/toy-translation.js';

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

manualSeed(1);
const pairs = toyTranslationCorpus();
const en = Vocabulary.fromCorpus(pairs.map((p) => p.en));
const fr = Vocabulary.fromCorpus(pairs.map((p) => p.fr));
const model = new Seq2SeqTransformer(en.size, fr.size, {
  dModel: 32,
  nHead: 4,
  numEncoderLayers: 2,
  numDecoderLayers: 2,
  dimFeedforward: 64,
});
const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
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
  const batch = Array.from(
    { length: 16 },
    (_, i) => pairs[(step * 16 + i * 31) % pairs.length] as (typeof pairs)[number],
  );
  const source = padSequences(batch.map((p) => en.encode(p.en)));
  const target = padSequences(batch.map((p) => fr.encode(p.fr, { addBos: true, addEos: true })));
  const logits = model.forward(
    source.ids,
    target.ids.map((r) => r.slice(0, -1)),
    {
      srcKeyPaddingMask: source.keyPaddingMask,
      tgtKeyPaddingMask: target.keyPaddingMask.map((r) => r.slice(0, -1)),
    },
  );
  const loss = crossEntropy(
    logits,
    target.ids.map((r) => r.slice(1)),
    { ignoreIndex: fr.padId },
  );
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
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
