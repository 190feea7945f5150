/** The decoding algorithms on a model whose next-token distributions are known exactly. */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  beamSearch,
  type Decodable,
  greedyDecode,
  manualSeed,
  sampleDecode,
  sampleToken,
  type Tensor,
  TransformerLanguageModel,
  tensor,
} from '../../src/index.js';

const V = 4;
const EOS = 3;

/** Next-token log-probabilities that depend on the whole prefix, from a hash, so nothing is regular. */
function logProbabilities(prefix: readonly number[]): number[] {
  const rng = seedrandom(`p:${prefix.join(',')}`);
  const raw = Array.from({ length: V }, () => rng() * 3);
  const max = Math.max(...raw);
  const logZ = max + Math.log(raw.reduce((s, r) => s + Math.exp(r - max), 0));
  return raw.map((r) => r - logZ);
}

/** A Decodable over explicit prefixes (no cache), counting how often it is stepped. */
function tableModel(): Decodable<number[][]> & { calls: number } {
  const model = {
    calls: 0,
    start: (count: number) => Array.from({ length: count }, () => [] as number[]),
    step: (state: number[][], tokens: readonly (readonly number[])[]) => {
      model.calls++;
      const next = state.map((p, i) => [...p, ...(tokens[i] ?? [])]);
      return { logits: tensor(next.map(logProbabilities), { dtype: 'float64' }), state: next };
    },
    reorder: (state: number[][], rows: readonly number[]) => rows.map((r) => [...(state[r] ?? [])]),
  };
  return model;
}

/** Every continuation of up to `depth` tokens (stopping at EOS), with its total log-probability. */
function exhaustive(
  prompt: number[],
  depth: number,
): Array<{ tokens: number[]; logProbability: number }> {
  const out: Array<{ tokens: number[]; logProbability: number }> = [];
  const visit = (tokens: number[], lp: number) => {
    if (tokens.length === depth || tokens[tokens.length - 1] === EOS) {
      if (tokens.length > 0) out.push({ tokens, logProbability: lp });
      return;
    }
    const next = logProbabilities([...prompt, ...tokens]);
    for (let v = 0; v < V; v++) visit([...tokens, v], lp + (next[v] as number));
  };
  visit([], 0);
  return out;
}

describe('beam search', () => {
  it('with a beam as wide as the search space, finds the exhaustive optimum for each length penalty', () => {
    for (const lengthPenalty of [0, 1, 2]) {
      const best = beamSearch(tableModel(), {
        prompt: [0],
        maxNewTokens: 4,
        eos: EOS,
        beamWidth: 64,
        lengthPenalty,
      })[0];
      const all = exhaustive([0], 4).map((h) => ({
        ...h,
        score: h.logProbability / h.tokens.length ** lengthPenalty,
      }));
      const optimum = all.sort((a, b) => b.score - a.score)[0];
      expect(best?.tokens).toEqual(optimum?.tokens);
      expect(best?.score).toBeCloseTo(optimum?.score as number, 12);
    }
  });

  it('with width 1 is greedy decoding', () => {
    const greedy = greedyDecode(tableModel(), { prompt: [0], maxNewTokens: 6, eos: EOS }).tokens;
    const beam = beamSearch(tableModel(), {
      prompt: [0],
      maxNewTokens: 6,
      eos: EOS,
      beamWidth: 1,
    })[0]?.tokens;
    expect(beam).toEqual(greedy);
  });

  it('returns hypotheses best first, each finished one ending in EOS', () => {
    const results = beamSearch(tableModel(), {
      prompt: [2],
      maxNewTokens: 5,
      eos: EOS,
      beamWidth: 3,
    });
    expect(results.length).toBeGreaterThan(0);
    for (let i = 1; i < results.length; i++)
      expect((results[i - 1] as { score: number }).score).toBeGreaterThanOrEqual(
        (results[i] as { score: number }).score,
      );
    for (const h of results)
      if (h.tokens.length < 5) expect(h.tokens[h.tokens.length - 1]).toBe(EOS);
  });

  it('gives the same hypotheses with and without the key/value cache', () => {
    manualSeed(21);
    const model = new TransformerLanguageModel(12, {
      dModel: 16,
      nHead: 2,
      numLayers: 2,
      dimFeedforward: 24,
    }).eval();
    const options = { prompt: [1, 4], maxNewTokens: 8, eos: 2, beamWidth: 3 };
    const a = beamSearch(model.decoder(), options);
    const b = beamSearch(model.decoder({ cache: false }), options);
    expect(a.map((h) => h.tokens)).toEqual(b.map((h) => h.tokens));
    a.forEach((h, i) => {
      expect(h.score).toBeCloseTo((b[i] as { score: number }).score, 4);
    });
  });

  it('does not let unlikely early stops crowd out a likelier longer answer', () => {
    // After the prompt: A 0.90, EOS 0.05, B 0.05; after A: C 0.95; after A C: EOS 0.99. Every
    // other prefix stops at once with probability 0.6. The best output is "A C EOS".
    const [A, C, STOP] = [0, 2, 3];
    const next = (prefix: number[]): number[] => {
      const key = prefix.join(',');
      const p =
        key === ''
          ? [0.9, 0.05, 0, 0.05]
          : key === '0'
            ? [0.01, 0.01, 0.95, 0.03]
            : key === '0,2'
              ? [0, 0, 0.01, 0.99]
              : [0.1, 0.1, 0.2, 0.6];
      return p.map((v) => Math.log(v + 1e-12));
    };
    const model: Decodable<number[][]> = {
      start: (n) => Array.from({ length: n }, () => []),
      step: (state, tokens) => {
        const grown = state.map((p, i) => [...p, ...(tokens[i] ?? [])].filter((t) => t !== 9));
        return {
          logits: tensor(
            grown.map((p) => next(p)),
            { dtype: 'float64' },
          ),
          state: grown,
        };
      },
      reorder: (state, rows) => rows.map((r) => [...(state[r] ?? [])]),
    };
    const [best] = beamSearch(model, { prompt: [9], maxNewTokens: 6, eos: STOP, beamWidth: 2 });
    expect(best?.tokens).toEqual([A, C, STOP]);
  });

  it('rejects a bad beam width', () => {
    expect(() => beamSearch(tableModel(), { prompt: [0], maxNewTokens: 2, beamWidth: 0 })).toThrow(
      'beamSearch: beamWidth must be a positive integer; got 0',
    );
  });
});

describe('sampling', () => {
  const logits = tensor([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)], {
    dtype: 'float64',
  });
  const frequencies = (options: Parameters<typeof sampleToken>[1], n = 20000) => {
    const counts = new Array(V).fill(0);
    const rng = seedrandom('freq');
    for (let i = 0; i < n; i++) counts[sampleToken(logits, { ...options, rng })]++;
    return counts.map((c) => c / n);
  };

  it('draws from the softmax of the logits', () => {
    const f = frequencies({});
    [0.5, 0.3, 0.15, 0.05].forEach((p, i) => {
      expect(f[i]).toBeCloseTo(p, 1);
    });
  });

  it('sharpens with a low temperature and keeps only the top k or the nucleus', () => {
    expect(frequencies({ temperature: 0.05 })[0]).toBeGreaterThan(0.99);
    const topTwo = frequencies({ topK: 2 });
    expect((topTwo[2] as number) + (topTwo[3] as number)).toBe(0);
    expect(topTwo[0]).toBeCloseTo(0.5 / 0.8, 1);
    const nucleus = frequencies({ topP: 0.75 }); // 0.5 + 0.3 reaches 0.75
    expect((nucleus[2] as number) + (nucleus[3] as number)).toBe(0);
  });

  it('repeats exactly with the same seed, and topK 1 is greedy', () => {
    const run = (seed: string) =>
      sampleDecode(tableModel(), { prompt: [0], maxNewTokens: 8, rng: seedrandom(seed) }).tokens;
    expect(run('s')).toEqual(run('s'));
    const greedy = greedyDecode(tableModel(), { prompt: [0], maxNewTokens: 8 }).tokens;
    expect(sampleDecode(tableModel(), { prompt: [0], maxNewTokens: 8, topK: 1 }).tokens).toEqual(
      greedy,
    );
  });

  it('rejects bad options', () => {
    const model = tableModel();
    expect(() => sampleDecode(model, { prompt: [0], maxNewTokens: 1, temperature: 0 })).toThrow(
      'sampleDecode: temperature must be a positive number; got 0',
    );
    expect(() => sampleDecode(model, { prompt: [0], maxNewTokens: 1, topP: 1.5 })).toThrow(
      'sampleDecode: topP must be in (0, 1]; got 1.5',
    );
    expect(() => greedyDecode(model, { prompt: [], maxNewTokens: 1 })).toThrow(
      'greedyDecode: prompt must be a non-empty array of token ids; got []',
    );
  });
});

it('greedy decoding stops at EOS and keeps it', () => {
  const forced: Decodable<null> = {
    start: () => null,
    step: () => ({ logits: tensor([[0, 0, 0, 5]]) as Tensor, state: null }),
    reorder: () => null,
  };
  expect(greedyDecode(forced, { prompt: [0], maxNewTokens: 10, eos: 3 }).tokens).toEqual([3]);
});
