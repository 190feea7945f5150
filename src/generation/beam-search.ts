/**
 * Beam search: keep the `beamWidth` most likely partial outputs at every step.
 * @module
 */
import { noGrad } from '../autograd/grad-mode.js';
import { contiguous } from '../ndarray/ndarray.js';
import { logSoftmax } from '../ops/primitive/softmax.js';
import { checkDecodeOptions, type Decodable, type GenerationOptions } from './decodable.js';

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions extends GenerationOptions {
  /** How many hypotheses to keep at every step. Default 4. */
  beamWidth?: number;
  /**
   * α in the ranking score `log p(tokens) / length^α`: 0 ranks by total log-probability (short
   * outputs win), 1 (default) by average log-probability per token, larger favours longer ones.
   */
  lengthPenalty?: number;
}

/** One finished hypothesis. */
export interface Hypothesis {
  /** The generated tokens (without the prompt), ending with `eos` when it was produced. */
  tokens: number[];
  /** Σ log p of the tokens. */
  logProbability: number;
  /** The ranking score `logProbability / length^lengthPenalty`. */
  score: number;
}

interface Beam {
  tokens: number[];
  logProbability: number;
}

/**
 * Searches for the most likely continuation of `prompt`, keeping `beamWidth` hypotheses per
 * step. A hypothesis that produces `eos` (among the step's best `beamWidth` extensions) is
 * finished; the search stops when `beamWidth` hypotheses are finished and no running one scores
 * better, or after `maxNewTokens` steps. Returns the best `beamWidth` hypotheses, finished or
 * still running at the end, best first.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const model = new TransformerLanguageModel(10, { dModel: 16, nHead: 2, numLayers: 1, dimFeedforward: 32 }).eval();
 * const best = beamSearch(model.decoder(), { prompt: [1], maxNewTokens: 4, beamWidth: 3, eos: 2 });
 * best.length > 0; // true
 * ```
 */
export function beamSearch<S>(model: Decodable<S>, options: BeamSearchOptions): Hypothesis[] {
  const { prompt, maxNewTokens, eos } = checkDecodeOptions('beamSearch', options);
  const { beamWidth = 4, lengthPenalty = 1 } = options;
  if (!Number.isInteger(beamWidth) || beamWidth < 1) {
    throw new RangeError(`beamSearch: beamWidth must be a positive integer; got ${beamWidth}`);
  }
  if (!Number.isFinite(lengthPenalty))
    throw new RangeError(`beamSearch: lengthPenalty must be a finite number; got ${lengthPenalty}`);
  const rank = (b: Beam): number =>
    b.logProbability / Math.max(1, b.tokens.length) ** lengthPenalty;

  return noGrad(() => {
    const finished: Hypothesis[] = [];
    // Keeps the best `beamWidth` finished hypotheses, best first.
    const finish = (beam: Beam): void => {
      finished.push({ ...beam, score: rank(beam) });
      finished.sort((a, b) => b.score - a.score);
      if (finished.length > beamWidth) finished.pop();
    };
    let beams: Beam[] = [{ tokens: [], logProbability: 0 }];
    let state = model.start(1);
    let feed: number[][] = [[...prompt]];
    for (let step = 0; step < maxNewTokens && beams.length > 0; step++) {
      const result = model.step(state, feed);
      const logp = contiguous(logSoftmax(result.logits, -1).data); // (N, V)
      const V = logp.shape[1] as number;
      // Every (beam, token) extension, best first; ties keep the earlier beam and lower id.
      const candidates: Array<{ parent: number; token: number; logProbability: number }> = [];
      beams.forEach((beam, parent) => {
        for (let v = 0; v < V; v++) {
          const lp = logp.data[logp.offset + parent * V + v] as number;
          candidates.push({ parent, token: v, logProbability: beam.logProbability + lp });
        }
      });
      candidates.sort(
        (a, b) => b.logProbability - a.logProbability || a.parent - b.parent || a.token - b.token,
      );
      const next: Array<{ parent: number; beam: Beam }> = [];
      // The best 2·beamWidth extensions always hold beamWidth that do not end in eos. An
      // extension ending in eos finishes a hypothesis only if it ranks among the best
      // beamWidth, so a long tail of unlikely early stops cannot crowd out the real answer.
      candidates.slice(0, 2 * beamWidth).forEach((c, position) => {
        if (next.length === beamWidth) return;
        const beam = {
          tokens: [...(beams[c.parent] as Beam).tokens, c.token],
          logProbability: c.logProbability,
        };
        if (c.token !== eos) next.push({ parent: c.parent, beam });
        else if (position < beamWidth) finish(beam);
      });
      beams = next.map((n) => n.beam);
      // Done when beamWidth hypotheses are finished and none still running scores better.
      if (finished.length === beamWidth) {
        const worstFinished = (finished[finished.length - 1] as Hypothesis).score;
        if (beams.every((b) => rank(b) <= worstFinished)) break;
      }
      if (beams.length === 0) break;
      state = model.reorder(
        result.state,
        next.map((n) => n.parent),
      );
      feed = beams.map((b) => [b.tokens[b.tokens.length - 1] as number]);
    }
    for (const beam of beams) if (beam.tokens.length > 0) finish(beam);
    return finished;
  });
}
