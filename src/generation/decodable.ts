/**
 * What a decoding algorithm needs from a model.
 * @module
 */
import type { Tensor } from '../autograd/tensor.js';

/**
 * A model that can be fed tokens a few at a time and predicts the next one, for N hypotheses at
 * once. The decoding functions ({@link greedyDecode}, {@link sampleDecode}, {@link beamSearch})
 * drive it; {@link TransformerLanguageModel} and {@link Seq2SeqTransformer} provide it (with or
 * without a key/value cache), and any model can by implementing these three methods.
 */
export interface Decodable<State = unknown> {
  /** The state before any token, for `count` hypotheses. */
  start(count: number): State;
  /**
   * Feeds `tokens[i]` (the same number of new tokens for every hypothesis) to hypothesis i and
   * returns the next-token logits `(N, V)` and the new state.
   */
  step(state: State, tokens: readonly (readonly number[])[]): StepResult<State>;
  /** Keeps hypotheses `rows` in that order (repeats allowed): beam search reorders with it. */
  reorder(state: State, rows: readonly number[]): State;
}

/** What {@link Decodable.step} returns. */
export interface StepResult<State> {
  /** `(N, V)`: the next-token logits of each hypothesis. */
  logits: Tensor;
  /** The state after the fed tokens. */
  state: State;
}

/** Options every decoding function takes. */
export interface GenerationOptions {
  /** The tokens to start from, e.g. `[bos]` or an encoded prompt; at least one. */
  prompt: readonly number[];
  /** Stop after generating this many tokens. */
  maxNewTokens: number;
  /** Stop a hypothesis when it generates this token (it is kept in the output). */
  eos?: number;
}

/** Checks the shared options; returns them. */
export function checkDecodeOptions(where: string, options: GenerationOptions): GenerationOptions {
  const { prompt, maxNewTokens, eos } = options;
  if (
    !Array.isArray(prompt) ||
    prompt.length === 0 ||
    !prompt.every((t) => Number.isInteger(t) && t >= 0)
  ) {
    throw new TypeError(
      `${where}: prompt must be a non-empty array of token ids; got ${JSON.stringify(prompt)}`,
    );
  }
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) {
    throw new RangeError(
      `${where}: maxNewTokens must be a non-negative integer; got ${String(maxNewTokens)}`,
    );
  }
  if (eos !== undefined && (!Number.isInteger(eos) || eos < 0)) {
    throw new RangeError(`${where}: eos must be a token id; got ${String(eos)}`);
  }
  return options;
}
