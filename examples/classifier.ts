/**
 * Sentence classification with an encoder-only Transformer: the BERT type in the course. The
 * model reads a whole review in both directions and says whether it is positive. The reviews are
 * generated so that the words alone do not decide: "not" flips the word after it, and after "but"
 * the second half wins, so "the plot was good but not fun" (negative) and "the plot was not fun
 * but good" (positive) hold exactly the same words. A bag-of-words model, which sees only which
 * words occur, is at chance on such pairs; the Transformer sees their order.
 *
 * Run: npx tsx examples/classifier.ts [steps]
 */
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import {
  Adam,
  argmax,
  crossEntropy,
  Linear,
  manualSeed,
  noGrad,
  padSequences,
  type Tensor,
  TransformerClassifier,
  tensor,
  Vocabulary,
} from 'seqgrad';

/** A review and its label: 1 positive, 0 negative. */
export interface Review {
  text: string;
  label: 0 | 1;
  /** `'simple'`: "the film was (not) good"; `'contrast'`: "… was X but Y", where Y decides. */
  kind: 'simple' | 'contrast';
}

const SUBJECTS = ['movie', 'film', 'plot', 'acting', 'music', 'ending', 'story'];
const POSITIVE = ['good', 'great', 'fun', 'lovely', 'clever'];
const NEGATIVE = ['bad', 'dull', 'boring', 'awful', 'silly'];

/** Every review the grammar makes: 140 simple and 1,400 contrast sentences, half positive. */
export function reviews(): Review[] {
  const phrases = [...POSITIVE, ...NEGATIVE].flatMap((adjective) => {
    const positive = POSITIVE.includes(adjective);
    return [
      { words: adjective, positive },
      { words: `not ${adjective}`, positive: !positive }, // "not" flips the word after it
    ];
  });
  const out: Review[] = [];
  for (const subject of SUBJECTS) {
    for (const p of phrases) {
      out.push({
        text: `the ${subject} was ${p.words}`,
        label: p.positive ? 1 : 0,
        kind: 'simple',
      });
      // A contrast joins phrases of opposite sentiment, and what follows "but" wins.
      for (const q of phrases.filter((q) => q.positive !== p.positive)) {
        const text = `the ${subject} was ${p.words} but ${q.words}`;
        out.push({ text, label: q.positive ? 1 : 0, kind: 'contrast' });
      }
    }
  }
  return out;
}

/** Accuracy over all reviews and per kind. */
export interface Accuracy {
  all: number;
  simple: number;
  contrast: number;
}

/** What a run measured, for the smoke test. */
export interface ClassifierRun {
  losses: number[];
  train: Accuracy;
  heldOut: Accuracy;
  /** A logistic regression on word counts, trained on the same reviews. */
  bagOfWords: { train: Accuracy; heldOut: Accuracy };
  /** The best any classifier that sees only word counts could do on all the reviews. */
  bagOfWordsCeiling: Accuracy;
}

/** Trains on 80% of the reviews for `steps` steps and scores the other 20%. */
export function runClassifier({
  steps = 400,
  seed = 3,
  log = console.log,
}: {
  steps?: number;
  seed?: number;
  log?: (line: string) => void;
} = {}): ClassifierRun {
  manualSeed(seed); // the initial weights and dropout
  const all = reviews();
  const split = seedrandom('split'); // the same held-out reviews whatever the seed
  const heldOutSet = new Set(all.filter(() => split() < 0.2));
  const train = all.filter((r) => !heldOutSet.has(r));
  const heldOut = all.filter((r) => heldOutSet.has(r));
  const vocab = Vocabulary.fromCorpus(all.map((r) => r.text));
  log(`${train.length} training reviews, ${heldOut.length} held out, ${vocab.size} words`);

  const dModel = 32;
  const model = new TransformerClassifier(vocab.size, 2, {
    dModel,
    nHead: 4,
    numLayers: 2,
    dimFeedforward: 64,
    dropout: 0.1,
    maxLen: 16,
  });
  const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
  const order = seedrandom(`batches ${seed}`);
  const batchSize = 32;
  const simple = train.filter((r) => r.kind === 'simple');
  const contrast = train.filter((r) => r.kind === 'contrast');
  const losses: number[] = [];
  const encode = (batch: Review[]) => padSequences(batch.map((r) => vocab.encode(r.text)));
  for (let step = 1; step <= steps; step++) {
    // Half of each batch of each kind: drawn uniformly, the 1,400 contrasts would drown the 140
    // simple reviews, and with them the plain "not good" the model must also learn.
    const batch = Array.from({ length: batchSize }, (_, i) => {
      const pool = i % 2 === 0 ? simple : contrast;
      return pool[Math.floor(order() * pool.length)] as Review;
    });
    // Reviews differ in length: pad to the longest and mask the padding out of attention and
    // out of the mean the classifier takes over positions.
    const { ids, keyPaddingMask } = encode(batch);
    const logits = model.forward(ids, { keyPaddingMask }); // (B, 2)
    const loss = crossEntropy(
      logits,
      batch.map((r) => r.label),
    );
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
    if (step % 50 === 0 || step === 1)
      log(`step ${String(step).padStart(4)}  loss ${loss.item().toFixed(3)}`);
  }
  model.eval();
  const transformer = (batch: Review[]) => {
    const { ids, keyPaddingMask } = encode(batch);
    return predictions(noGrad(() => model.forward(ids, { keyPaddingMask })));
  };
  const bag = bagOfWords(vocab, train);
  const run: ClassifierRun = {
    losses,
    train: accuracy(train, transformer),
    heldOut: accuracy(heldOut, transformer),
    bagOfWords: { train: accuracy(train, bag), heldOut: accuracy(heldOut, bag) },
    bagOfWordsCeiling: ceiling(all),
  };
  const row = (name: string, a: Accuracy) =>
    `${name.padEnd(34)}${[a.all, a.simple, a.contrast].map(percent).join('')}`;
  log(`\n${''.padEnd(34)}     all  simple  contrast`);
  log(row('Transformer, training reviews', run.train));
  log(row('Transformer, held-out reviews', run.heldOut));
  log(row('bag of words, training reviews', run.bagOfWords.train));
  log(row('bag of words, held-out reviews', run.bagOfWords.heldOut));
  log(row('any bag of words, at best', run.bagOfWordsCeiling));
  log('\n"simple": the film was (not) good.  "contrast": the film was (not) good but (not) dull.');
  log('Each contrast review has a mirror image with the same words and the other label');
  log('("good but not fun" / "not fun but good"), so no model of word counts passes 50% on them;');
  log('the fitted one does worse on held-out reviews, whose mirror images it trained on.');
  for (const text of ['the music was fun but not clever', 'the music was not clever but fun']) {
    const [label] = transformer([{ text, label: 0, kind: 'contrast' }]);
    log(`  "${text}"  →  ${label === 1 ? 'positive' : 'negative'}`);
  }
  return run;
}

/** Class ids from logits `(B, 2)`. */
function predictions(logits: Tensor): number[] {
  return argmax(logits, -1).toArray() as number[];
}

function accuracy(set: Review[], classify: (batch: Review[]) => number[]): Accuracy {
  const predicted = classify(set);
  const score = (kind?: Review['kind']) => {
    const picked = set
      .map((r, i) => ({ r, p: predicted[i] }))
      .filter((x) => !kind || x.r.kind === kind);
    return picked.filter((x) => x.p === x.r.label).length / picked.length;
  };
  return { all: score(), simple: score('simple'), contrast: score('contrast') };
}

/** Logistic regression on word counts (a Linear layer on count vectors), full batch. */
function bagOfWords(vocab: Vocabulary, train: Review[]): (batch: Review[]) => number[] {
  const counts = (batch: Review[]) => {
    const rows = batch.map((r) => {
      const row = new Array<number>(vocab.size).fill(0);
      for (const id of vocab.encode(r.text)) row[id] = (row[id] as number) + 1;
      return row;
    });
    return tensor(rows); // (B, V)
  };
  const linear = new Linear(vocab.size, 2);
  const optimizer = new Adam(linear.parameters(), { lr: 0.05 });
  const features = counts(train);
  const labels = train.map((r) => r.label);
  for (let step = 0; step < 300; step++) {
    const loss = crossEntropy(linear.forward(features), labels);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }
  return (batch) => predictions(noGrad(() => linear.forward(counts(batch))));
}

/**
 * The accuracy of the best possible word-count classifier: reviews with the same words in any
 * order look identical to it, so for each such group it can at best answer the majority label.
 */
function ceiling(set: Review[]): Accuracy {
  const bagOf = (r: Review) => r.text.split(' ').sort().join(' ');
  const votes = new Map<string, [number, number]>();
  for (const r of set) {
    const v = votes.get(bagOf(r)) ?? [0, 0];
    v[r.label] += 1;
    votes.set(bagOf(r), v);
  }
  const best = (batch: Review[]) =>
    batch.map((r) => {
      const [negative, positive] = votes.get(bagOf(r)) as [number, number];
      return positive > negative ? 1 : 0; // a tie gets one of the two right either way
    });
  return accuracy(set, best);
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`.padStart(8);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runClassifier({ steps: Number(process.argv[2] ?? 400) });
}
