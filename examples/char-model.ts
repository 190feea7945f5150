/**
 * A character-level language model: the decoder-only (GPT) type of Transformer in the course. A
 * small causal Transformer reads a nursery rhyme one character at a time, learns to predict the
 * next character, and then writes: each new character is sampled from its prediction (with a
 * temperature and top-k) and fed back in. The rhyme repeats itself, so a tiny model learns it in
 * a few hundred steps, and what it writes is mostly lines of the rhyme.
 *
 * Run: npx tsx examples/char-model.ts [steps]
 */
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import {
  Adam,
  crossEntropy,
  type Decodable,
  manualSeed,
  sampleDecode,
  select,
  TransformerLanguageModel,
  Vocabulary,
  WarmupCosineLR,
} from 'seqgrad';

/** The training text: four verses that differ only in the animal, its seat and its sound. */
export const RHYME = `the cat sat on the mat.
the cat sat on the mat and mewed.
sing hey, sing ho, the cat sat on the mat.

the dog sat on the log.
the dog sat on the log and barked.
sing hey, sing ho, the dog sat on the log.

the hen sat on the pen.
the hen sat on the pen and clucked.
sing hey, sing ho, the hen sat on the pen.

the frog sat on the bog.
the frog sat on the bog and croaked.
sing hey, sing ho, the frog sat on the bog.
`;

/** How each sample is drawn: cooler than the model's own distribution, and only its top 3. */
export const SAMPLING = { temperature: 0.5, topK: 3 } as const;

/** What a run produced, for the smoke test. */
export interface CharModelRun {
  /** The training loss (mean cross-entropy per character, in nats) at every step. */
  losses: number[];
  /** The characters the model knows. */
  characters: string[];
  /** Writes `length` characters after `prompt`; the same `seed` gives the same text. */
  generate: (prompt: string, seed: string, length?: number) => string;
}

/** The model sees at most this many characters; it learns to predict from 1 … 32 of them. */
const CONTEXT = 32;

/** Trains the model for `steps` steps on random windows of {@link RHYME}, then samples from it. */
export function runCharModel({
  steps = 600,
  seed = 1,
  log = console.log,
}: {
  steps?: number;
  seed?: number;
  log?: (line: string) => void;
} = {}): CharModelRun {
  manualSeed(seed); // the initial weights
  const vocab = Vocabulary.fromCorpus(RHYME, { level: 'char' });
  const ids = vocab.encode(RHYME);
  const model = new TransformerLanguageModel(vocab.size, {
    dModel: 32,
    nHead: 4,
    numLayers: 2,
    dimFeedforward: 64,
    dropout: 0, // the point is to learn this one text by heart, so nothing to regularise
    maxLen: CONTEXT,
    positional: 'sinusoidal',
  });
  const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
  const schedule = new WarmupCosineLR(optimizer, { warmupSteps: 10, totalSteps: steps });
  const windows = seedrandom(`windows ${seed}`); // which parts of the text each step trains on
  const batchSize = 16;
  const characters = vocab.tokens.filter((_, id) => !vocab.isSpecial(id)); // pad, bos, eos, unk
  log(`training on ${ids.length} characters of a rhyme (${characters.length} different ones)`);
  log(
    `a uniform guess would cost ln ${characters.length} = ${Math.log(characters.length).toFixed(2)} nats per character`,
  );

  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    // Each row is a window of the text; the targets are the same window shifted by one, so every
    // position learns to predict the character after it, seeing only those before (causal).
    const inputs: number[][] = [];
    const targets: number[][] = [];
    for (let b = 0; b < batchSize; b++) {
      const start = Math.floor(windows() * (ids.length - CONTEXT));
      inputs.push(ids.slice(start, start + CONTEXT));
      targets.push(ids.slice(start + 1, start + CONTEXT + 1));
    }
    const loss = crossEntropy(model.forward(inputs), targets); // logits (B, T, V), targets (B, T)
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    schedule.step();
    losses.push(loss.item());
    if (step % 50 === 0 || step === 1) {
      // One step's loss depends on which windows it drew; the mean of the last 25 is steadier.
      const recent = losses.slice(-25);
      const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
      log(`step ${String(step).padStart(4)}  loss ${mean.toFixed(3)}`);
    }
  }

  log('(it cannot reach 0: the first characters of a window have nothing before them to go on)');

  model.eval();
  const generate = (prompt: string, sampleSeed: string, length = 80): string => {
    const { tokens } = sampleDecode(slidingWindow(model, CONTEXT), {
      prompt: vocab.encode(prompt),
      maxNewTokens: length,
      ...SAMPLING,
      rng: seedrandom(sampleSeed),
    });
    return prompt + vocab.decode(tokens);
  };
  log(
    `\nsamples (temperature ${SAMPLING.temperature}, top-${SAMPLING.topK}); the prompt is in [brackets]:`,
  );
  for (const [prompt, sampleSeed] of [
    ['the cat', 'one'],
    ['sing hey, ', 'two'],
    ['the frog sat', 'three'],
  ] as const) {
    log(`\n[${prompt}]${generate(prompt, sampleSeed, 100).slice(prompt.length)}`);
  }
  // The seat is 12 characters after the animal: attention has to look back to pick it.
  log('\nwho sits where:');
  for (const animal of ['cat', 'dog', 'hen', 'frog']) {
    const prompt = `the ${animal} sat on the `;
    log(`  [${prompt}]${generate(prompt, animal, 4).slice(prompt.length)}`);
  }
  return { losses, characters, generate };
}

/**
 * The model as a {@link Decodable} that only ever shows it the last `context` characters, as
 * nanoGPT crops its input: `model.decoder()` stops at the model's `maxLen`, and positions beyond
 * the training windows would be new to it anyway. Each step reruns the window (no cache), which is
 * cheap at this size.
 */
function slidingWindow(model: TransformerLanguageModel, context: number): Decodable<number[][]> {
  return {
    start: (count) => Array.from({ length: count }, () => []),
    step: (prefixes, tokens) => {
      const next = prefixes.map((prefix, i) => [...prefix, ...(tokens[i] ?? [])]);
      const logits = model.forward(next.map((prefix) => prefix.slice(-context))); // (N, T, V)
      const T = Math.min(context, next[0]?.length ?? 0);
      return { logits: select(logits, 1, T - 1), state: next }; // (N, V)
    },
    reorder: (prefixes, rows) => rows.map((r) => [...(prefixes[r] ?? [])]),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCharModel({ steps: Number(process.argv[2] ?? 600) });
}
