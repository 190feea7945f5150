/**
 * A small seeded training run for the determinism test: a Seq2SeqTransformer with dropout
 * trained by Adam on fixed toy pairs, then a seeded sampleDecode. Run as a script it prints one
 * JSON line with the losses, a SHA-256 of every loss and weight's bits, and the sampled tokens:
 *
 *   node --import tsx test/properties/determinism-run.ts [seed] [steps]
 *
 * Two processes given the same seed must print the same line.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import {
  Adam,
  crossEntropy,
  manualSeed,
  type Rng,
  Seq2SeqTransformer,
  sampleDecode,
} from '../../src/index.js';

export interface TrainingRun {
  /** One loss per step. */
  losses: number[];
  /** Every parameter after training, by its state-dict name. */
  weights: [string, number[]][];
  /** What a seeded sampleDecode produced from the trained model. */
  tokens: number[];
}

const PAD = 0;
const BOS = 1;
const EOS = 2;

/** Four fixed (source, target) pairs of ids; the targets start with BOS and are padded. */
function toyBatch(): { source: number[][]; input: number[][]; output: number[][] } {
  const rng = seedrandom('determinism toy data');
  const source = Array.from({ length: 4 }, () =>
    Array.from({ length: 5 }, () => 3 + Math.floor(rng() * 8)),
  );
  // The target reverses the source and shifts the ids, then ends with EOS and padding.
  const target = source.map((row, i) => [BOS, ...row.slice(0, 3 + (i % 3)).reverse(), EOS]);
  const width = Math.max(...target.map((t) => t.length));
  const padded = target.map((t) => [...t, ...Array(width - t.length).fill(PAD)]);
  return {
    source,
    input: padded.map((t) => t.slice(0, -1)),
    output: padded.map((t) => t.slice(1)),
  };
}

/**
 * Trains for `steps` steps from `seed`. With `defaultGenerator` the model draws its weights and
 * dropout masks from the default generator after `manualSeed(seed)`; otherwise from a seeded
 * generator passed as `rng`.
 */
export function train(seed: string, { steps = 30, defaultGenerator = false } = {}): TrainingRun {
  let rng: Rng | undefined;
  if (defaultGenerator) manualSeed(seed);
  else rng = seedrandom(seed);
  const model = new Seq2SeqTransformer(11, 13, {
    dModel: 16,
    nHead: 2,
    numEncoderLayers: 1,
    numDecoderLayers: 1,
    dimFeedforward: 24,
    dropout: 0.3,
    ...(rng ? { rng } : {}),
  });
  const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
  const { source, input, output } = toyBatch();
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const logits = model.forward(source, input); // (B, T, 13)
    const loss = crossEntropy(logits, output, { ignoreIndex: PAD, labelSmoothing: 0.1 });
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  model.eval();
  const { tokens } = sampleDecode(model.decoder(source[0] as number[]), {
    prompt: [BOS],
    eos: EOS,
    maxNewTokens: 8,
    topK: 6,
    temperature: 1.5,
    rng: seedrandom(`${seed} sampling`),
  });
  const weights = [...model.namedParameters()].map(([name, p]): [string, number[]] => [
    name,
    (p.toArray() as number[]).flat(Infinity) as number[],
  ]);
  return { losses, weights, tokens };
}

/** One line that changes if any bit of any loss or weight, or any sampled token, changes. */
export function fingerprint(run: TrainingRun): string {
  const hash = createHash('sha256');
  hash.update(new Uint8Array(Float64Array.from(run.losses).buffer));
  for (const [name, values] of run.weights) {
    hash.update(name);
    hash.update(new Uint8Array(Float64Array.from(values).buffer));
  }
  return JSON.stringify({ losses: run.losses, tokens: run.tokens, sha256: hash.digest('hex') });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seed = process.argv[2] ?? 'determinism';
  const steps = Number(process.argv[3] ?? 30);
  const lines = [false, true].map((defaultGenerator) =>
    fingerprint(train(seed, { steps, defaultGenerator })),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
