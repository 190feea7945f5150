/**
 * Every layer against PyTorch: fixtures written by tools/fixtures/layers.py (Debian's
 * python3-torch, float64, eval mode, random non-trivial weights, distinct axis sizes). Each case
 * loads PyTorch's state dict strictly, checks the key order, the outputs, and the gradients of the
 * inputs and of every parameter for loss = Σ output ⊙ upstream. Every case runs in float64
 * (tolerance 1e-9 relative) and again in float32 (1e-4 relative).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Decoder,
  DecoderLayer,
  type DType,
  Embedding,
  Encoder,
  EncoderLayer,
  GRU,
  GRUCell,
  LayerNorm,
  LearnedPositionalEmbedding,
  Linear,
  LSTM,
  LSTMCell,
  type Module,
  MultiHeadAttention,
  PositionalEncoding,
  positionalEncodingTable,
  RNN,
  RNNCell,
  stack,
  type Tensor,
  Transformer,
} from '../../src/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { fromJSON, loadFixture, type TensorJSON } from '../helpers/fixtures.js';

type MaskJSON = TensorJSON & { dtype?: 'bool' };
// biome-ignore lint/suspicious/noExplicitAny: fixture configs are untyped JSON handed to constructors.
type Config = Record<string, any>;

interface LayerCase {
  name: string;
  module: string;
  config: Record<string, unknown>;
  selfAttention?: boolean;
  stateDict?: Record<string, TensorJSON>;
  inputs?: Record<string, TensorJSON>;
  options?: Record<string, unknown>;
  upstream?: Record<string, TensorJSON>;
  outputs: Record<string, TensorJSON>;
  grads?: { inputs?: Record<string, TensorJSON>; params?: Record<string, TensorJSON> };
}

/** Boolean masks become nested booleans (API.md's boolean form); float masks become tensors. */
function toOption(value: unknown, dtype: DType): unknown {
  if (typeof value !== 'object' || value === null || !('shape' in value)) return value;
  const mask = value as MaskJSON;
  if (mask.dtype !== 'bool') return fromJSON(mask, { dtype });
  const flags = mask.data.map((v) => v !== 0);
  const [rows, cols] = mask.shape as [number, number];
  if (mask.shape.length === 2)
    return Array.from({ length: rows }, (_, i) => flags.slice(i * cols, (i + 1) * cols));
  throw new Error(`unsupported boolean mask rank ${mask.shape.length}`);
}

type Built = {
  module: Module | null;
  run: (inputs: Record<string, Tensor>, options: Record<string, unknown>) => Record<string, Tensor>;
};

/** How to build each module from a fixture config and call it. */
function build(c: LayerCase): Built {
  const k = c.config as Config;
  const unrolled = c.name.startsWith('unrolled');
  const layerOptions = (o: Config) => ({
    dimFeedforward: o.dimFeedforward,
    dropout: o.dropout,
    activation: o.activation,
    layerNormEps: o.layerNormEps,
    normFirst: o.normFirst,
  });
  switch (c.module) {
    case 'Linear': {
      const m = new Linear(k.inFeatures, k.outFeatures, { bias: k.bias });
      return { module: m, run: ({ x }) => ({ output: m.forward(x as Tensor) }) };
    }
    case 'LayerNorm': {
      const m = new LayerNorm(k.normalizedShape, {
        eps: k.eps,
        elementwiseAffine: k.elementwiseAffine,
      });
      return { module: m, run: ({ x }) => ({ output: m.forward(x as Tensor) }) };
    }
    case 'Embedding': {
      const m = new Embedding(
        k.numEmbeddings,
        k.embeddingDim,
        k.paddingIdx === undefined ? {} : { paddingIdx: k.paddingIdx },
      );
      return { module: m, run: (_, o) => ({ output: m.forward(o.ids as number[][]) }) };
    }
    case 'positionalEncodingTable':
      return {
        module: null,
        run: (_, o) => ({
          table: positionalEncodingTable(k.maxLen, k.dModel, { dtype: o.dtype as DType }),
        }),
      };
    case 'PositionalEncoding': {
      const m = new PositionalEncoding(k.dModel, { maxLen: k.maxLen });
      return { module: m, run: ({ x }) => ({ output: m.forward(x as Tensor) }) };
    }
    case 'RNNCell':
    case 'GRUCell': {
      const m =
        c.module === 'RNNCell'
          ? new RNNCell(k.inputSize, k.hiddenSize, {
              bias: k.bias,
              nonlinearity: k.nonlinearity ?? 'tanh',
            })
          : new GRUCell(k.inputSize, k.hiddenSize, { bias: k.bias });
      if (!unrolled) return { module: m, run: ({ x, h }) => ({ h: m.forward(x as Tensor, h) }) };
      return {
        module: m,
        run: ({ xs, h0 }) => {
          const steps = (xs as Tensor).shape[0] as number;
          const hs: Tensor[] = [];
          let h = h0 as Tensor;
          for (let t = 0; t < steps; t++) {
            h = m.forward((xs as Tensor).select(0, t), h);
            hs.push(h);
          }
          return { hs: stack(hs) };
        },
      };
    }
    case 'LSTMCell': {
      const m = new LSTMCell(k.inputSize, k.hiddenSize, { bias: k.bias });
      if (!unrolled) {
        return {
          module: m,
          run: ({ x, h, c: cell }) => {
            const [h1, c1] = m.forward(x as Tensor, h && cell ? [h, cell] : undefined);
            return { h: h1, c: c1 };
          },
        };
      }
      return {
        module: m,
        run: ({ xs, h0, c0 }) => {
          const hs: Tensor[] = [];
          const cs: Tensor[] = [];
          let state: [Tensor, Tensor] = [h0 as Tensor, c0 as Tensor];
          for (let t = 0; t < ((xs as Tensor).shape[0] as number); t++) {
            state = m.forward((xs as Tensor).select(0, t), state);
            hs.push(state[0]);
            cs.push(state[1]);
          }
          return { hs: stack(hs), cs: stack(cs) };
        },
      };
    }
    case 'MultiHeadAttention': {
      const m = new MultiHeadAttention(k.embedDim, k.numHeads, {
        bias: k.bias,
        dropout: k.dropout,
      });
      return {
        module: m,
        run: ({ query, key, value }, o) => {
          const q = query as Tensor;
          const r = c.selfAttention
            ? m.forward(q, q, q, o)
            : m.forward(q, key as Tensor, value as Tensor, o);
          return { output: r.output, weights: r.weights as Tensor };
        },
      };
    }
    case 'EncoderLayer': {
      const m = new EncoderLayer(k.dModel, k.nHead, layerOptions(k));
      return { module: m, run: ({ src }, o) => ({ output: m.forward(src as Tensor, o) }) };
    }
    case 'DecoderLayer': {
      const m = new DecoderLayer(k.dModel, k.nHead, layerOptions(k));
      return {
        module: m,
        run: ({ tgt, memory }, o) => ({ output: m.forward(tgt as Tensor, memory as Tensor, o) }),
      };
    }
    case 'Encoder':
    case 'Decoder': {
      const l = k.layer as Config;
      const norm = k.norm ? { norm: new LayerNorm(l.dModel) } : {};
      if (c.module === 'Encoder') {
        const m = new Encoder(
          () => new EncoderLayer(l.dModel, l.nHead, layerOptions(l)),
          k.numLayers,
          norm,
        );
        return { module: m, run: ({ src }, o) => ({ output: m.forward(src as Tensor, o) }) };
      }
      const m = new Decoder(
        () => new DecoderLayer(l.dModel, l.nHead, layerOptions(l)),
        k.numLayers,
        norm,
      );
      return {
        module: m,
        run: ({ tgt, memory }, o) => ({ output: m.forward(tgt as Tensor, memory as Tensor, o) }),
      };
    }
    case 'RNN':
    case 'GRU':
    case 'LSTM': {
      const options = {
        numLayers: k.numLayers,
        bidirectional: k.bidirectional,
        dropout: k.dropout,
        bias: k.bias,
      };
      if (c.module === 'LSTM') {
        const m = new LSTM(k.inputSize, k.hiddenSize, options);
        return {
          module: m,
          run: ({ x, h0, c0 }, o) => {
            const r = m.forward(x as Tensor, h0 && c0 ? [h0, c0] : undefined, o);
            return { output: r.output, h: r.h, c: r.c };
          },
        };
      }
      const m =
        c.module === 'RNN'
          ? new RNN(k.inputSize, k.hiddenSize, {
              ...options,
              nonlinearity: k.nonlinearity ?? 'tanh',
            })
          : new GRU(k.inputSize, k.hiddenSize, options);
      return {
        module: m,
        run: ({ x, h0 }, o) => {
          const r = m.forward(x as Tensor, h0, o);
          return { output: r.output, h: r.h };
        },
      };
    }
    case 'LearnedPositionalEmbedding': {
      const m = new LearnedPositionalEmbedding(k.maxLen, k.embeddingDim);
      return { module: m, run: ({ x }) => ({ output: m.forward(x as Tensor) }) };
    }
    case 'Transformer': {
      const m = new Transformer({
        ...layerOptions(k),
        dModel: k.dModel,
        nHead: k.nHead,
        numEncoderLayers: k.numEncoderLayers,
        numDecoderLayers: k.numDecoderLayers,
      });
      return {
        module: m,
        run: ({ src, tgt }, o) => ({ output: m.forward(src as Tensor, tgt as Tensor, o) }),
      };
    }
    default:
      throw new Error(`unknown module '${c.module}' in fixture case '${c.name}'`);
  }
}

function runCase(c: LayerCase, dtype: DType, tolerance: { atol: number; rtol: number }) {
  const { module, run } = build(c);
  if (module) {
    module
      .to(dtype)
      .eval()
      .loadStateDict(c.stateDict ?? {});
    expect(Object.keys(module.stateDict())).toEqual(Object.keys(c.stateDict ?? {}));
  }
  const inputs = Object.fromEntries(
    Object.entries(c.inputs ?? {}).map(([name, t]) => [
      name,
      fromJSON(t, { dtype, requiresGrad: true }),
    ]),
  );
  const options = Object.fromEntries(
    Object.entries(c.options ?? {}).map(([name, v]) => [name, toOption(v, dtype)]),
  );
  if (c.module === 'positionalEncodingTable') options.dtype = dtype;
  const outputs = run(inputs, options);
  for (const [name, expected] of Object.entries(c.outputs)) {
    assertClose(outputs[name] as Tensor, expected, { ...tolerance, label: `output ${name}` });
  }
  if (!c.upstream) return;
  let total: Tensor | null = null;
  for (const [name, up] of Object.entries(c.upstream)) {
    const term = (outputs[name] as Tensor).mul(fromJSON(up, { dtype })).sum();
    total = total ? total.add(term) : term;
  }
  (total as Tensor).backward();
  for (const [name, expected] of Object.entries(c.grads?.inputs ?? {})) {
    assertClose(inputs[name]?.grad as Tensor, expected, {
      ...tolerance,
      label: `grad of input ${name}`,
    });
  }
  const params = new Map(module ? [...module.namedParameters()] : []);
  expect(Object.keys(c.grads?.params ?? {}).sort()).toEqual([...params.keys()].sort());
  for (const [key, expected] of Object.entries(c.grads?.params ?? {})) {
    assertClose(params.get(key)?.grad as Tensor, expected, {
      ...tolerance,
      label: `grad of ${key}`,
    });
  }
}

/** Every fixture file of layer cases (those whose cases name a `module`); ops and optimizers have their own tests. */
const fixtureFiles = readdirSync(new URL('../fixtures/torch/', import.meta.url)).filter((f) => {
  if (!f.endsWith('.json')) return false;
  const { cases } = loadFixture<{ cases?: Array<{ module?: string }> }>(f.replace(/\.json$/, ''));
  return Array.isArray(cases) && cases.length > 0 && typeof cases[0]?.module === 'string';
});

for (const file of fixtureFiles) {
  const fixture = loadFixture<{ cases: LayerCase[] }>(file.replace(/\.json$/, ''));
  describe(`${file} (torch ${fixture.torch})`, () => {
    for (const c of fixture.cases) {
      it(`${c.module}: ${c.name} (float64)`, () =>
        runCase(c, 'float64', { atol: 1e-10, rtol: 1e-9 }));
      it(`${c.module}: ${c.name} (float32)`, () =>
        runCase(c, 'float32', { atol: 1e-5, rtol: 1e-4 }));
    }
  });
}

it('covers every layer the product promises', () => {
  const modules = new Set(
    fixtureFiles.flatMap((f) =>
      loadFixture<{ cases: LayerCase[] }>(f.replace(/\.json$/, '')).cases.map((c) => c.module),
    ),
  );
  const promised = [
    'Linear',
    'LayerNorm',
    'Embedding',
    'PositionalEncoding',
    'positionalEncodingTable',
    'RNNCell',
    'LSTMCell',
    'GRUCell',
    'MultiHeadAttention',
    'EncoderLayer',
    'DecoderLayer',
    'Encoder',
    'Decoder',
    'Transformer',
    'RNN',
    'LSTM',
    'GRU',
    'LearnedPositionalEmbedding',
  ];
  expect(promised.filter((m) => !modules.has(m))).toEqual([]);
});
