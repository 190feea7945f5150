/**
 * Sampling the next token from the model's distribution, with temperature, top-k and top-p.
 * @module
 */
import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../autograd/tensor.js';
import { contiguous } from '../ndarray/ndarray.js';
import { type Rng, resolveRng } from '../ndarray/random.js';
import { checkDecodeOptions, type Decodable, type GenerationOptions } from './decodable.js';

/** The result of {@link sampleDecode}. */
export interface SampleResult {
  /** The generated tokens (without the prompt), ending with `eos` when it was produced. */
  tokens: number[];
}

/** Options of {@link sampleDecode}. */
export interface SampleOptions extends GenerationOptions {
  /** Divides the logits: below 1 sharpens towards greedy, above 1 flattens. Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens. Default: all. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (nucleus sampling). Default 1. */
  topP?: number;
  /** The generator; the default one (see {@link manualSeed}) when omitted. */
  rng?: Rng;
}

/**
 * Draws one token from `logits (V)` after temperature, top-k and top-p filtering, in double
 * precision. Ties in the ranking keep the lower id first, so a seeded run repeats exactly.
 */
export function sampleToken(
  logits: Tensor,
  { temperature = 1, topK, topP = 1, rng }: Omit<SampleOptions, 'prompt' | 'maxNewTokens' | 'eos'>,
): number {
  const flat = contiguous(logits.data);
  const V = flat.size;
  const order = Array.from({ length: V }, (_, i) => i);
  const scaled = order.map((i) => (flat.data[flat.offset + i] as number) / temperature);
  order.sort((a, b) => (scaled[b] as number) - (scaled[a] as number) || a - b);
  const keep = Math.min(V, topK ?? V);
  const max = scaled[order[0] as number] as number;
  const weights = order.slice(0, keep).map((i) => Math.exp((scaled[i] as number) - max));
  const total = weights.reduce((a, b) => a + b, 0);
  // Nucleus: the shortest prefix of the ranking whose probability mass reaches topP.
  let cut = weights.length;
  if (topP < 1) {
    let mass = 0;
    for (let k = 0; k < weights.length; k++) {
      mass += (weights[k] as number) / total;
      if (mass >= topP) {
        cut = k + 1;
        break;
      }
    }
  }
  const kept = weights.slice(0, cut);
  const keptTotal = kept.reduce((a, b) => a + b, 0);
  let u = resolveRng(rng)() * keptTotal;
  for (let k = 0; k < kept.length; k++) {
    u -= kept[k] as number;
    if (u < 0) return order[k] as number;
  }
  return order[kept.length - 1] as number;
}

function checkSampling(options: SampleOptions): void {
  const { temperature = 1, topK, topP = 1 } = options;
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`sampleDecode: temperature must be a positive number; got ${temperature}`);
  }
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) {
    throw new RangeError(`sampleDecode: topK must be a positive integer; got ${topK}`);
  }
  if (!(topP > 0 && topP <= 1))
    throw new RangeError(`sampleDecode: topP must be in (0, 1]; got ${topP}`);
}

/**
 * Generates by sampling each next token from the model's (filtered) distribution. With a seeded
 * `rng` the result repeats exactly.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const model = new TransformerLanguageModel(10, { dModel: 16, nHead: 2, numLayers: 1, dimFeedforward: 32 }).eval();
 * const draw = () => sampleDecode(model.decoder(), { prompt: [1], maxNewTokens: 6, topK: 3, temperature: 0.8, rng: seedrandom('s') }).tokens;
 * draw().join() === draw().join(); // true
 * ```
 */
export function sampleDecode<S>(model: Decodable<S>, options: SampleOptions): SampleResult {
  const { prompt, maxNewTokens, eos } = checkDecodeOptions('sampleDecode', options);
  checkSampling(options);
  const rng = resolveRng(options.rng);
  return noGrad(() => {
    const tokens: number[] = [];
    let state = model.start(1);
    let feed: number[] = [...prompt];
    for (let step = 0; step < maxNewTokens; step++) {
      const result = model.step(state, [feed]);
      state = result.state;
      const row = result.logits.reshape([-1]);
      const next = sampleToken(row, { ...options, rng });
      tokens.push(next);
      if (next === eos) break;
      feed = [next];
    }
    return { tokens };
  });
}
