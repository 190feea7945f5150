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
import { createTranslator } from '../data/translator.js';

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
const MEAN_OVER = 20;
const CHUNK_MS = 50;

const scope = globalThis as unknown as WorkerScope;

// The same recipe as examples/translation.ts, trained a little longer.
const {
  en,
  fr,
  train,
  step: trainStep,
  translate: bestTokens,
  alignment,
} = createTranslator({ steps: TOTAL_STEPS });
const losses: number[] = [];
const started = performance.now();

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
}

function translate({ id, sentence }: TranslateRequest): TranslationMessage {
  // The corpus is lowercase words; drop case and punctuation so "The big, red dog." works.
  const text = sentence.toLowerCase().replace(/[^\p{L}\s'-]+/gu, ' ');
  const source = en.tokenize(text);
  const reply = { type: 'translation', id, step: losses.length, source } as const;
  const unknown = source.filter((word) => !en.has(word));
  if (source.length === 0) return { ...reply, unknown, translation: [], weights: [] };
  const sourceIds = en.encode(text);
  const targetIds = bestTokens(sourceIds).filter((t) => t === fr.unkId || !fr.isSpecial(t));
  const translation = targetIds.map((t) => fr.tokenOf(t));
  if (targetIds.length === 0) return { ...reply, unknown, translation, weights: [] };
  return { ...reply, unknown, translation, weights: alignment(sourceIds, targetIds) };
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
  englishWords: en.tokens.filter((_, id) => !en.isSpecial(id)),
});
setTimeout(guarded(trainChunk), 0);
