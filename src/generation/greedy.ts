/**
 * Greedy decoding: always the most likely next token.
 * @module
 */
import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../autograd/tensor.js';
import { argmax } from '../ops/compare.js';
import { select } from '../ops/composite/shape.js';
import { checkDecodeOptions, type Decodable, type GenerationOptions } from './decodable.js';

/** The result of {@link greedyDecode}. */
export interface GreedyResult {
  /** The generated tokens (without the prompt), ending with `eos` when it was produced. */
  tokens: number[];
  /** The next-token logits `(V)` at every generated step, for inspection or comparison. */
  logits: Tensor[];
}

/**
 * Generates by taking the arg-max token at every step, until `eos` or `maxNewTokens`. Runs
 * without recording a graph.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const model = new TransformerLanguageModel(10, { dModel: 16, nHead: 2, numLayers: 1, dimFeedforward: 32 }).eval();
 * const { tokens } = greedyDecode(model.decoder(), { prompt: [1], maxNewTokens: 5 });
 * tokens.length; // 5
 * ```
 */
export function greedyDecode<S>(model: Decodable<S>, options: GenerationOptions): GreedyResult {
  const { prompt, maxNewTokens, eos } = checkDecodeOptions('greedyDecode', options);
  return noGrad(() => {
    const tokens: number[] = [];
    const logits: Tensor[] = [];
    let state = model.start(1);
    let feed: number[] = [...prompt];
    for (let step = 0; step < maxNewTokens; step++) {
      const result = model.step(state, [feed]);
      state = result.state;
      const row = select(result.logits, 0, 0); // (V)
      const next = argmax(row, 0).item();
      logits.push(row);
      tokens.push(next);
      if (next === eos) break;
      feed = [next];
    }
    return { tokens, logits };
  });
}
