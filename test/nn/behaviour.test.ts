/** Behaviour the PyTorch fixtures cannot show: long BPTT, masked rows, mask equivalences, dropout. */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  causalMask,
  Embedding,
  EncoderDecoderAttention,
  GRUCell,
  LSTM,
  LSTMCell,
  MultiHeadAttention,
  manualSeed,
  PositionalEncoding,
  positionalEncodingTable,
  RNNCell,
  randn,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { assertClose } from '../helpers/assert-close.js';

const rng = () => seedrandom('behaviour');
const finite = (t: Tensor | null | undefined) =>
  t ? (t.toArray() as number[]).flat(4).every(Number.isFinite) : false;

describe('backpropagation through time', () => {
  const T = 3000;
  const cases: Array<
    [string, () => (x: Tensor, state: unknown) => unknown, (s: unknown) => Tensor]
  > = [
    [
      'RNNCell',
      () => {
        const c = new RNNCell(3, 5, { rng: rng() });
        return (x, h) => c.forward(x, h as Tensor | undefined);
      },
      (s) => s as Tensor,
    ],
    [
      'LSTMCell',
      () => {
        const c = new LSTMCell(3, 5, { rng: rng() });
        return (x, s) => c.forward(x, s as [Tensor, Tensor] | undefined);
      },
      (s) => (s as Tensor[])[0] as Tensor,
    ],
    [
      'GRUCell',
      () => {
        const c = new GRUCell(3, 5, { rng: rng() });
        return (x, h) => c.forward(x, h as Tensor | undefined);
      },
      (s) => s as Tensor,
    ],
  ];
  for (const [name, make, hidden] of cases) {
    it(`${name} unrolled over ${T} steps backpropagates the sum of the per-step losses`, () => {
      const step = make();
      const x0 = randn([2, 3], { rng: rng(), requiresGrad: true });
      let state: unknown;
      let total: Tensor | null = null;
      for (let t = 0; t < T; t++) {
        state = step(t === 0 ? x0 : x0.detach(), state);
        const loss = hidden(state).pow(2).mean(); // one loss per step
        total = total ? total.add(loss) : loss;
      }
      (total as Tensor).backward();
      expect(finite(x0.grad)).toBe(true);
    });
  }
});

describe('attention masks', () => {
  const E = 12;
  const H = 3;
  const attention = () => {
    const m = new MultiHeadAttention(E, H, { rng: rng() }).to('float64');
    return m;
  };
  const input = (shape: number[]) =>
    randn(shape, { dtype: 'float64', rng: seedrandom(String(shape)), requiresGrad: true });

  it('gives zeros, not NaN, for a query row whose every key is masked, with zero gradients from it', () => {
    const m = attention();
    const q = input([2, 3, E]);
    const kv = input([2, 5, E]);
    const blockedRow = [
      [false, false, true, true, true],
      [true, true, true, true, true], // query 1 may attend to nothing
      [false, false, false, false, false],
    ];
    const { output, weights } = m.forward(q, kv, kv, { attnMask: blockedRow });
    expect(finite(output)).toBe(true);
    const w = weights?.toArray() as number[][][];
    expect(w[0]?.[1]).toEqual([0, 0, 0, 0, 0]);
    assertClose((w[0] as number[][])[0]?.reduce((a, b) => a + b) ?? 0, 1);
    output.sum().backward();
    expect(finite(q.grad) && finite(kv.grad)).toBe(true);
    for (const p of m.parameters()) expect(finite(p.grad)).toBe(true);
  });

  it('treats isCausal, causalMask and the equivalent boolean mask alike', () => {
    const m = attention();
    const x = input([2, 4, E]);
    const a = m.forward(x, x, x, { isCausal: true }).output;
    const b = m.forward(x, x, x, { attnMask: causalMask(4, { dtype: 'float64' }) }).output;
    const boolean = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => j > i));
    const c = m.forward(x, x, x, { attnMask: boolean }).output;
    assertClose(a, b);
    assertClose(a, c);
    expect(causalMask(3).toArray()).toEqual([
      [0, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [0, 0, Number.NEGATIVE_INFINITY],
      [0, 0, 0],
    ]);
  });

  it('accepts a key padding mask as nested booleans or a 0/1 tensor, and returns per-head weights', () => {
    const m = attention();
    const q = input([2, 3, E]);
    const kv = input([2, 5, E]);
    const padding = [
      [false, false, false, true, true],
      [false, false, false, false, false],
    ];
    const a = m.forward(q, kv, kv, { keyPaddingMask: padding, averageAttnWeights: false });
    const b = m.forward(q, kv, kv, { keyPaddingMask: tensor(padding) });
    expect(a.weights?.shape).toEqual([2, H, 3, 5]);
    assertClose(a.output, b.output);
    const perHead = a.weights?.toArray() as number[][][][];
    expect(perHead[0]?.[2]?.[1]?.slice(3)).toEqual([0, 0]);
    expect(m.forward(q, kv, kv, { needWeights: false }).weights).toBeNull();
  });

  it('EncoderDecoderAttention computes the same as MultiHeadAttention with the memory as key and value', () => {
    const cross = new EncoderDecoderAttention(E, H, { rng: rng() }).to('float64');
    const plain = attention().loadStateDict(cross.stateDict());
    const x = input([2, 3, E]);
    const memory = input([2, 5, E]);
    const padding = [
      [false, false, false, false, true],
      [false, true, false, false, false],
    ];
    const a = cross.forward(x, memory, { memoryKeyPaddingMask: padding });
    const b = plain.forward(x, memory, memory, { keyPaddingMask: padding });
    assertClose(a.output, b.output);
    assertClose(a.weights as Tensor, b.weights as Tensor);
    expect(Object.keys(cross.stateDict())).toEqual([
      'in_proj_weight',
      'in_proj_bias',
      'out_proj.weight',
      'out_proj.bias',
    ]);
  });

  it('applies dropout to the attention weights only in training mode, reproducibly with a seed', () => {
    const x = input([1, 4, E]);
    const make = () =>
      new MultiHeadAttention(E, H, { dropout: 0.5, rng: seedrandom('drop') }).to('float64');
    const train = make().forward(x, x, x).weights?.toArray() as number[][][];
    const again = make().forward(x, x, x).weights?.toArray();
    expect(again).toEqual(train);
    expect(train.flat(2).some((v) => v === 0)).toBe(true);
    const evaluation = make().eval().forward(x, x, x).weights?.toArray() as number[][][];
    for (const row of evaluation[0] as number[][])
      assertClose(
        row.reduce((a, b) => a + b),
        1,
      );
  });
});

describe('LSTM forget bias', () => {
  it('starts the forget gate at the given bias, split as b_ih = value and b_hh = 0', () => {
    const cell = new LSTMCell(3, 4, { forgetBias: 1, rng: rng() });
    const bih = cell.biasIh?.toArray() as number[];
    const bhh = cell.biasHh?.toArray() as number[];
    expect(bih.slice(4, 8)).toEqual([1, 1, 1, 1]);
    expect(bhh.slice(4, 8)).toEqual([0, 0, 0, 0]);
    expect(bih.slice(0, 4).some((v) => v !== 1)).toBe(true); // the other gates keep PyTorch's draw
    const layer = new LSTM(3, 4, { numLayers: 2, forgetBias: 2 });
    const biasL1 = layer.stateDict().bias_ih_l1 as Tensor;
    expect((biasL1.toArray() as number[]).slice(4, 8)).toEqual([2, 2, 2, 2]);
    expect(() => new LSTMCell(3, 4, { bias: false, forgetBias: 1 })).toThrow(
      'LSTMCell: forgetBias must be a finite number and needs bias: true; got 1 with bias: false',
    );
  });
});

describe('embedding and positional encoding', () => {
  it('gives the padding row no gradient and accumulates repeated ids', () => {
    manualSeed(3);
    const embed = new Embedding(6, 4, { paddingIdx: 0 });
    embed
      .forward([
        [1, 1, 0],
        [0, 5, 1],
      ])
      .sum()
      .backward();
    const grad = embed.weight.grad?.toArray() as number[][];
    expect(grad[0]).toEqual([0, 0, 0, 0]);
    expect(grad[1]).toEqual([3, 3, 3, 3]);
    expect(grad[5]).toEqual([1, 1, 1, 1]);
    expect(grad[2]).toEqual([0, 0, 0, 0]);
  });

  it('follows the sinusoid formula for odd and even widths', () => {
    for (const d of [5, 6]) {
      const table = positionalEncodingTable(9, d, { dtype: 'float64' }).toArray() as number[][];
      for (let pos = 0; pos < 9; pos++) {
        for (let k = 0; k < d; k++) {
          const i = Math.floor(k / 2);
          const angle = pos / 10000 ** ((2 * i) / d);
          expect(table[pos]?.[k]).toBeCloseTo(k % 2 === 0 ? Math.sin(angle) : Math.cos(angle), 12);
        }
      }
    }
  });

  it('adds the same rows whatever lengths came before, and has an empty state dict', () => {
    const encode = new PositionalEncoding(6, { maxLen: 300 });
    const short = encode
      .forward(tensor(new Float32Array(2 * 3 * 6), { shape: [2, 3, 6] }))
      .toArray();
    encode.forward(tensor(new Float32Array(1 * 200 * 6), { shape: [1, 200, 6] })); // grows the cache
    const again = encode
      .forward(tensor(new Float32Array(2 * 3 * 6), { shape: [2, 3, 6] }))
      .toArray();
    expect(again).toEqual(short);
    expect(encode.stateDict()).toEqual({});
  });
});
