/**
 * The demo's Web Worker: trains the translation Transformer of examples/translation.ts (same
 * corpus, model, optimizer, schedule and seed) off the page's main thread, and translates
 * sentences on request, at any point of training.
 *
 * Training runs in chunks of about 50 ms with a `setTimeout(0)` between them, so a translate
 * request waits at most one chunk: a worker handles its next message only after the running
 * task returns.
 * @module
 */
import {
  Adam,
  beamSearch,
  crossEntropy,
  manualSeed,
  noGrad,
  padSequences,
  Seq2SeqTransformer,
  type Tensor,
  Vocabulary,
  WarmupCosineLR,
} from 'seqgrad';
import { type Pair, toyTranslationCorpus } from '../data/toy-translation.js';

/** The page asks for a translation; `id` comes back in the reply. */
export interface TranslateRequest {
  type: 'translate';
  id: number;
  sentence: string;
}

/** Sent once, before the first step. */
export interface ReadyMessage {
  type: 'ready';
  totalSteps: number;
  trainingPairs: number;
  /** The English words the model knows, in vocabulary order. */
  englishWords: string[];
}

/** Sent after every training step. */
export interface ProgressMessage {
  type: 'progress';
  step: number;
  totalSteps: number;
  /** This step's batch loss. */
  loss: number;
  /** The mean batch loss of the last {@link MEAN_OVER} steps (fewer at the start). */
  meanLoss: number;
  elapsedMs: number;
  done: boolean;
}

/** The reply to a {@link TranslateRequest}. */
export interface TranslationMessage {
  type: 'translation';
  id: number;
  /** The training step the model had reached. */
  step: number;
  /** The sentence's tokens, as the English vocabulary splits them. */
  source: string[];
  /** Tokens the model never saw (encoded as `<unk>`). */
  unknown: string[];
  /** The French words, without `<bos>` and `<eos>`. */
  translation: string[];
  /**
   * `(T, S)` cross-attention of the last decoder layer, averaged over heads, while the model
   * reads its own translation: row t is where it looked while producing `translation[t]`.
   */
  weights: number[][];
}

export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type FromWorker = ReadyMessage | ProgressMessage | TranslationMessage | ErrorMessage;
export type ToWorker = TranslateRequest;

/** The slice of the dedicated worker's global scope used here (the project has no DOM lib). */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: { data: ToWorker }) => void): void;
}

const TOTAL_STEPS = 400;
const BATCH_SIZE = 32;
const MEAN_OVER = 20;
const CHUNK_MS = 50;

const scope = globalThis as unknown as WorkerScope;

manualSeed(7);
const pairs = toyTranslationCorpus();
// The held-out tenth of examples/translation.ts stays out of training here too.
const train = pairs.filter((_, i) => i % 10 !== 0);
const en = Vocabulary.fromCorpus(pairs.map((p) => p.en));
const fr = Vocabulary.fromCorpus(pairs.map((p) => p.fr));
const model = new Seq2SeqTransformer(en.size, fr.size, {
  dModel: 32,
  nHead: 4,
  numEncoderLayers: 2,
  numDecoderLayers: 2,
  dimFeedforward: 64,
  dropout: 0.1,
  normFirst: true,
});
const optimizer = new Adam(model.parameters(), { lr: 6e-3 });
const schedule = new WarmupCosineLR(optimizer, { warmupSteps: 50, totalSteps: TOTAL_STEPS });
const losses: number[] = [];
const started = performance.now();

function trainStep(step: number): number {
  const batch = Array.from(
    { length: BATCH_SIZE },
    (_, i) => train[((step - 1) * BATCH_SIZE + i * 7919) % train.length] as Pair,
  );
  const source = padSequences(batch.map((p) => en.encode(p.en)));
  const target = padSequences(batch.map((p) => fr.encode(p.fr, { addBos: true, addEos: true })));
  const input = target.ids.map((row) => row.slice(0, -1)); // <bos> y1 … y(n-1)
  const output = target.ids.map((row) => row.slice(1)); //    y1 … yn <eos>
  const logits = model.forward(source.ids, input, {
    srcKeyPaddingMask: source.keyPaddingMask,
    tgtKeyPaddingMask: target.keyPaddingMask.map((row) => row.slice(0, -1)),
  });
  const loss = crossEntropy(logits, output, { ignoreIndex: fr.padId, labelSmoothing: 0.05 });
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  schedule.step();
  return loss.item();
}

function trainChunk(): void {
  const until = performance.now() + CHUNK_MS;
  while (losses.length < TOTAL_STEPS && performance.now() < until) {
    const step = losses.length + 1;
    losses.push(trainStep(step));
    const recent = losses.slice(-MEAN_OVER);
    scope.postMessage({
      type: 'progress',
      step,
      totalSteps: TOTAL_STEPS,
      loss: losses[losses.length - 1] as number,
      meanLoss: recent.reduce((a, b) => a + b, 0) / recent.length,
      elapsedMs: performance.now() - started,
      done: step === TOTAL_STEPS,
    });
  }
  if (losses.length < TOTAL_STEPS) setTimeout(guarded(trainChunk), 0);
  else model.eval();
}

function translate({ id, sentence }: TranslateRequest): TranslationMessage {
  // The corpus is lowercase words; drop case and punctuation so "The big, red dog." works.
  const text = sentence.toLowerCase().replace(/[^\p{L}\s'-]+/gu, ' ');
  const source = en.tokenize(text);
  const reply = { type: 'translation', id, step: losses.length, source } as const;
  const unknown = source.filter((word) => !en.has(word));
  if (source.length === 0) return { ...reply, unknown, translation: [], weights: [] };
  const wasTraining = model.training;
  model.eval(); // no dropout while translating, mid-training too
  try {
    const sourceIds = en.encode(text);
    const [best] = beamSearch(model.decoder(sourceIds), {
      prompt: [fr.bosId],
      eos: fr.eosId,
      maxNewTokens: 16,
      beamWidth: 3,
    });
    const targetIds = (best?.tokens ?? []).filter((t) => t === fr.unkId || !fr.isSpecial(t));
    const translation = targetIds.map((t) => fr.tokenOf(t));
    if (targetIds.length === 0) return { ...reply, unknown, translation, weights: [] };
    // Read the translation back (<bos> y1 … y(T-1)): row t is computed while predicting y(t+1).
    const { crossAttention } = noGrad(() =>
      model.forwardWithAttention([sourceIds], [[fr.bosId, ...targetIds.slice(0, -1)]]),
    );
    const last = (crossAttention[crossAttention.length - 1] as Tensor).select(0, 0); // (T, S)
    return { ...reply, unknown, translation, weights: last.toArray() as number[][] };
  } finally {
    model.train(wasTraining);
  }
}

/** Reports an exception to the page instead of letting it vanish in the worker. */
function guarded<A extends unknown[]>(run: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      run(...args);
    } catch (error) {
      scope.postMessage({
        type: 'error',
        message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  };
}

scope.addEventListener(
  'message',
  guarded((event) => {
    if (event.data.type === 'translate') scope.postMessage(translate(event.data));
  }),
);
scope.postMessage({
  type: 'ready',
  totalSteps: TOTAL_STEPS,
  trainingPairs: train.length,
  englishWords: en.tokens.slice(4), // after <pad> <bos> <eos> <unk>
});
setTimeout(guarded(trainChunk), 0);
