/** Incremental decoding with key/value caches gives what recomputing the whole prefix gives. */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  AttentionCache,
  concat,
  DecoderLayer,
  Encoder,
  EncoderLayer,
  greedyDecode,
  MultiHeadAttention,
  manualSeed,
  noGrad,
  randn,
  Seq2SeqTransformer,
  type Tensor,
  TransformerLanguageModel,
} from '../../src/index.js';
import { assertClose } from '../helpers/assert-close.js';

const f64 = (shape: number[], seed: string) =>
  randn(shape, { dtype: 'float64', rng: seedrandom(seed) });

describe('attention caches', () => {
  it('a self cache fed one position at a time reproduces causal attention over the whole sequence', () => {
    const attention = new MultiHeadAttention(12, 3, { rng: seedrandom('a') }).to('float64').eval();
    const x = f64([2, 5, 12], 'x');
    const full = attention.forward(x, x, x, { isCausal: true }).output;
    const cache = new AttentionCache('self');
    const steps: Tensor[] = [];
    for (let t = 0; t < 5; t++) {
      const xt = x.narrow(1, t, 1);
      steps.push(attention.forward(xt, xt, xt, { isCausal: true, cache }).output);
    }
    expect(cache.length).toBe(5);
    assertClose(concat(steps, 1), full);
  });

  it('a self cache also takes several new positions at once, masking causally with the offset', () => {
    const attention = new MultiHeadAttention(12, 3, { rng: seedrandom('b') }).to('float64').eval();
    const x = f64([1, 6, 12], 'y');
    const full = attention.forward(x, x, x, { isCausal: true }).output;
    const cache = new AttentionCache('self');
    const first = x.narrow(1, 0, 2);
    const rest = x.narrow(1, 2, 4);
    const a = attention.forward(first, first, first, { isCausal: true, cache }).output;
    const b = attention.forward(rest, rest, rest, { isCausal: true, cache }).output;
    assertClose(concat([a, b], 1), full);
  });

  it('a cross cache projects the memory once and reuses it', () => {
    const layer = new DecoderLayer(12, 3, {
      dimFeedforward: 7,
      dropout: 0,
      rng: seedrandom('c'),
    }).to('float64');
    const tgt = f64([2, 4, 12], 't');
    const memory = f64([2, 5, 12], 'm');
    const full = layer.forward(tgt, memory, { tgtIsCausal: true });
    const cache = layer.createCache();
    const steps: Tensor[] = [];
    for (let t = 0; t < 4; t++)
      steps.push(layer.forward(tgt.narrow(1, t, 1), memory, { tgtIsCausal: true, cache }));
    assertClose(concat(steps, 1), full);
    expect(cache.cross.length).toBe(5);
    expect(cache.self.length).toBe(4);
  });

  it('an encoder stack with per-layer caches decodes incrementally', () => {
    const stack = new Encoder(
      () =>
        new EncoderLayer(12, 3, {
          dimFeedforward: 7,
          dropout: 0,
          normFirst: true,
          rng: seedrandom('d'),
        }),
      2,
    ).to('float64');
    const x = f64([2, 4, 12], 'e');
    const full = stack.forward(x, { isCausal: true });
    const cache = stack.createCache();
    const steps = [0, 1, 2, 3].map((t) =>
      stack.forward(x.narrow(1, t, 1), { isCausal: true, cache }),
    );
    assertClose(concat(steps, 1), full);
  });

  it('select reorders and duplicates the cached rows (beam search)', () => {
    const cache = new AttentionCache('self');
    cache.update(f64([3, 2, 4, 5], 'k'), f64([3, 2, 4, 5], 'v'));
    const before = cache.keys?.toArray() as number[][][][];
    cache.select([2, 2, 0]);
    const after = cache.keys?.toArray() as number[][][][];
    expect(after[0]).toEqual(before[2]);
    expect(after[1]).toEqual(before[2]);
    expect(after[2]).toEqual(before[0]);
  });
});

describe('greedy decoding with and without the cache', () => {
  it('gives the same tokens and logits for a decoder-only model (64 tokens, float32)', () => {
    manualSeed(11);
    const model = new TransformerLanguageModel(17, {
      dModel: 16,
      nHead: 2,
      numLayers: 2,
      dimFeedforward: 24,
      maxLen: 128,
    }).eval();
    const withCache = greedyDecode(model.decoder(), { prompt: [1, 5, 3], maxNewTokens: 64 });
    const without = greedyDecode(model.decoder({ cache: false }), {
      prompt: [1, 5, 3],
      maxNewTokens: 64,
    });
    expect(withCache.tokens).toEqual(without.tokens);
    withCache.logits.forEach((l, i) => {
      assertClose(l, without.logits[i] as Tensor, { atol: 1e-5, rtol: 1e-5 });
    });
  });

  it('gives the same tokens and logits for an encoder-decoder model', () => {
    manualSeed(12);
    const model = new Seq2SeqTransformer(13, 15, {
      dModel: 16,
      nHead: 2,
      numEncoderLayers: 2,
      numDecoderLayers: 2,
      dimFeedforward: 24,
    }).eval();
    const source = [4, 7, 9, 2];
    const withCache = greedyDecode(model.decoder(source), { prompt: [1], maxNewTokens: 20 });
    const without = greedyDecode(model.decoder(source, { cache: false }), {
      prompt: [1],
      maxNewTokens: 20,
    });
    expect(withCache.tokens).toEqual(without.tokens);
    withCache.logits.forEach((l, i) => {
      assertClose(l, without.logits[i] as Tensor, { atol: 1e-5, rtol: 1e-5 });
    });
  });

  it('starts as many hypotheses as asked, with and without the cache', () => {
    manualSeed(14);
    const model = new TransformerLanguageModel(9, { dModel: 8, nHead: 2, numLayers: 1 }).eval();
    const rows = [
      [2, 3],
      [4, 5],
      [6, 7],
    ];
    const last = (cache: boolean) => {
      const decodable = model.decoder({ cache });
      return decodable.step(decodable.start(3), rows).logits; // (3, V)
    };
    expect(last(false).shape).toEqual([3, 9]);
    assertClose(last(false), last(true), { atol: 1e-5, rtol: 1e-5 });
  });

  it('matches the teacher-forced forward pass at every step', () => {
    manualSeed(13);
    const model = new TransformerLanguageModel(9, {
      dModel: 8,
      nHead: 2,
      numLayers: 1,
      dimFeedforward: 16,
    })
      .to('float64')
      .eval();
    const { tokens, logits } = greedyDecode(model.decoder(), { prompt: [2], maxNewTokens: 6 });
    const full = noGrad(() => model.forward([[2, ...tokens.slice(0, -1)]])); // (1, 6, V)
    logits.forEach((l, t) => {
      assertClose(l, full.select(0, 0).select(0, t));
    });
  });
});
