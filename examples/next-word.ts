/**
 * "The cat sat on the ___": next-word prediction where two words of context cannot decide the
 * answer and the whole story can. The example writes its own stories: a clue near the start
 * (rain, dinner, the fireside, a knock at the door) decides where the cat sits at the end (roof,
 * chair, cushion, mat). A count-based model of the last two words ("on the") sees the same
 * thing in every story; an LSTM and a small decoder-only Transformer read the whole story.
 *
 * Run: npx tsx examples/next-word.ts [steps] [seed]
 */
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import {
  Adam,
  clipGradNorm,
  crossEntropy,
  Embedding,
  Linear,
  LSTM,
  manualSeed,
  noGrad,
  padSequences,
  type Tensor,
  TransformerLanguageModel,
  Vocabulary,
} from 'seqgrad';

// Every clue is five words long, so where the question ends says nothing about the answer (a
// Transformer with learned positions would otherwise use the position as a shortcut).
const PLACES = [
  { answer: 'roof', clues: ['it was raining all evening', 'rain tapped at the windows'] },
  { answer: 'chair', clues: ['we ate in the kitchen', 'dinner was in the kitchen'] },
  { answer: 'cushion', clues: ['everyone rested by the fire', 'we read by the fireplace'] },
  { answer: 'mat', clues: ['someone knocked at the door', 'the front door was open'] },
] as const;
const OPENERS = ['', 'in the quiet evening', 'one day'];
const FILLERS = ['', 'and the house was quiet', 'after a while', 'as usual', 'later that night'];
const QUESTION = 'the cat sat on the';

/** The slide's two prompts, and a second long story whose clue points elsewhere. */
export const PROMPTS = {
  short: { text: QUESTION, answer: null },
  rain: {
    text: `in the quiet evening rain tapped at the windows and the house was quiet . ${QUESTION}`,
    answer: 'roof',
  },
  dinner: {
    text: `one day we ate in the kitchen after a while . ${QUESTION}`,
    answer: 'chair',
  },
} as const;
export type PromptName = keyof typeof PROMPTS;
const PROMPT_NAMES = Object.keys(PROMPTS) as PromptName[];

/** One model's answer to one prompt: its top-3 next words, and P(place) for the four places. */
export interface Prediction {
  top: Array<{ word: string; p: number }>;
  places: Record<string, number>;
}
export type ModelName = 'bigram' | 'lstm' | 'transformer';
const LABELS: Record<ModelName, string> = {
  bigram: '2-word counts',
  lstm: 'LSTM',
  transformer: 'Transformer',
};

/** What a run produced, for the smoke test. */
export interface NextWordRun {
  predictions: Record<ModelName, Record<PromptName, Prediction>>;
  losses: { lstm: number[]; transformer: number[] };
}

/** Every clue × opener × filler story except the prompts, plus a fifth with no clue at all. */
function writeStories(): string[] {
  const held = new Set<string>(PROMPT_NAMES.map((name) => PROMPTS[name].text));
  const stories: string[] = [];
  for (const { answer, clues } of PLACES)
    for (const opener of OPENERS)
      for (const clue of clues)
        for (const filler of FILLERS) {
          const story = [opener, clue, filler, '.', QUESTION].filter(Boolean).join(' ');
          if (!held.has(story)) stories.push(`${story} ${answer}`);
        }
  // Without a clue every place is equally likely, which is all the short prompt can know.
  const clueless = Array.from(
    { length: Math.round(stories.length / 4) },
    (_, i) => `${QUESTION} ${PLACES[i % PLACES.length]?.answer}`,
  );
  return [...stories, ...clueless];
}

/** Trains both models on the same stories and asks each, and the counts, for the next word. */
export function runNextWord({
  steps = 300,
  seed = 1,
  log = console.log,
}: {
  steps?: number;
  seed?: number;
  log?: (line: string) => void;
} = {}): NextWordRun {
  manualSeed(seed);
  const rng = seedrandom(`next-word ${seed}`);
  const stories = writeStories();
  const vocab = Vocabulary.fromCorpus(stories);
  log(`${stories.length} stories, ${vocab.size} words, e.g. "${stories[17]}"`);

  // All a 2-word window can know: how often each word followed the last two words.
  const counts = new Map<string, Map<string, number>>();
  for (const words of stories.map((s) => s.split(' ')))
    for (let t = 2; t < words.length; t++) {
      const next = counts.get(words.slice(t - 2, t).join(' ')) ?? new Map<string, number>();
      next.set(words[t] as string, (next.get(words[t] as string) ?? 0) + 1);
      counts.set(words.slice(t - 2, t).join(' '), next);
    }
  const bigram = (text: string): number[] => {
    const next = counts.get(text.split(' ').slice(-2).join(' ')) ?? new Map<string, number>();
    const total = [...next.values()].reduce((a, b) => a + b, 0);
    return vocab.tokens.map((word) => (next.get(word) ?? 0) / total);
  };

  const embedding = new Embedding(vocab.size, 16);
  // PyTorch (and seqgrad by default) start the forget gate half open (σ(≈0)), so a clue k words
  // back keeps about 0.5^k of itself until training learns otherwise; a bias of 1 starts the cell
  // remembering (Jozefowicz et al. 2015; Keras's unit_forget_bias), and it finds the clue sooner.
  const lstm = new LSTM(16, 64, { forgetBias: 1 });
  const lstmHead = new Linear(64, vocab.size);
  const lstmLogits = (ids: number[][]) =>
    lstmHead.forward(lstm.forward(embedding.forward(ids)).output); // (B, T, V)
  const transformer = new TransformerLanguageModel(vocab.size, {
    dModel: 16,
    nHead: 2,
    numLayers: 2,
    dimFeedforward: 32,
    dropout: 0,
    maxLen: 32,
  });

  const encoded = stories.map((s) => vocab.encode(s, { addBos: true, addEos: true }));
  const train = (name: string, params: Tensor[], lr: number, logits: typeof lstmLogits) => {
    const optimizer = new Adam(params, { lr });
    const losses: number[] = [];
    for (let step = 1; step <= steps; step++) {
      const batch = Array.from(
        { length: 32 },
        () => encoded[Math.floor(rng() * encoded.length)] as number[],
      );
      const { ids } = padSequences(batch);
      const input = ids.map((row) => row.slice(0, -1)); // <bos> w1 … wn
      const target = ids.map((row) => row.slice(1)); //    w1 … wn <eos>
      const loss = crossEntropy(logits(input), target, { ignoreIndex: vocab.padId });
      optimizer.zeroGrad();
      loss.backward();
      clipGradNorm(params, 1);
      optimizer.step();
      losses.push(loss.item());
      if (step % 100 === 0 || step === 1)
        log(`  ${name} step ${String(step).padStart(4)}  loss ${loss.item().toFixed(3)}`);
    }
    return losses;
  };
  log('\ntraining an LSTM language model (Embedding → LSTM → Linear)');
  const lstmParams = [...embedding.parameters(), ...lstm.parameters(), ...lstmHead.parameters()];
  const lstmLosses = train('LSTM', lstmParams, 0.03, lstmLogits);
  log('training a decoder-only Transformer (TransformerLanguageModel, 2 layers)');
  const transformerLosses = train('Transformer', transformer.parameters(), 0.01, (ids) =>
    transformer.forward(ids),
  );
  transformer.eval();

  /** P(next word) after the prompt's last word: the softmax of the last position's logits. */
  const reader = (logits: typeof lstmLogits) => (text: string) =>
    noGrad(() => {
      const ids = vocab.encode(text, { addBos: true });
      const all = logits([ids]).softmax(-1).toArray() as number[][][];
      return all[0]?.[ids.length - 1] as number[];
    });
  const models: Record<ModelName, (text: string) => number[]> = {
    bigram,
    lstm: reader(lstmLogits),
    transformer: reader((ids) => transformer.forward(ids)),
  };
  const predictions = {} as NextWordRun['predictions'];
  for (const model of Object.keys(models) as ModelName[]) {
    predictions[model] = {} as Record<PromptName, Prediction>;
    for (const name of PROMPT_NAMES) {
      const probs = models[model](PROMPTS[name].text);
      const ranked = probs.map((p, id) => ({ word: vocab.tokenOf(id), p }));
      predictions[model][name] = {
        top: ranked.sort((a, b) => b.p - a.p).slice(0, 3),
        places: Object.fromEntries(
          PLACES.map(({ answer }) => [answer, probs[vocab.idOf(answer)] as number]),
        ),
      };
    }
  }

  for (const name of PROMPT_NAMES) {
    const { text, answer } = PROMPTS[name];
    log(`\n"${text} ___"${answer ? `   (the clue says: ${answer})` : ''}`);
    for (const model of Object.keys(models) as ModelName[]) {
      const top = predictions[model][name].top.map((t) => `${t.word} ${t.p.toFixed(2)}`);
      log(`  ${LABELS[model].padEnd(14)} ${top.join(', ')}`);
    }
  }
  log('\nP(roof) and P(chair), short prompt → its long story:');
  for (const model of Object.keys(models) as ModelName[]) {
    const change = (place: string, story: PromptName) =>
      `${place} ${(predictions[model].short.places[place] as number).toFixed(2)} → ${(predictions[model][story].places[place] as number).toFixed(2)}`;
    log(`  ${LABELS[model].padEnd(14)} ${change('roof', 'rain')}   ${change('chair', 'dinner')}`);
  }
  log(
    'The counts see only "on the", so every story gets the same answer; the LSTM carries the\n' +
      'clue forward in its state and the Transformer attends back to it, so the story decides.',
  );
  return { predictions, losses: { lstm: lstmLosses, transformer: transformerLosses } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runNextWord({ steps: Number(process.argv[2] ?? 300), seed: Number(process.argv[3] ?? 1) });
}
