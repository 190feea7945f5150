/**
 * The seqgrad half of the PyTorch round trip (the other half is tools/interop/torch_roundtrip.py).
 * Builds each seqgrad module with seeded random weights (layer norms near 1, so no value is a
 * default), runs it on a fixed input, and writes `<dir>/<name>.safetensors` (saveSafetensorsFile)
 * and `<dir>/<name>.json` (module, config, dtype, inputs, masks, outputs), plus `<dir>/index.json`.
 *
 * Run: npx tsx tools/interop/export-from-seqgrad.ts /tmp/sg && /usr/bin/python3 tools/interop/torch_roundtrip.py /tmp/sg
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import {
  DecoderLayer,
  type DType,
  Embedding,
  EncoderLayer,
  GRUCell,
  LSTMCell,
  type Module,
  MultiHeadAttention,
  type NestedNumbers,
  noGrad,
  RNNCell,
  randn,
  type Tensor,
} from 'seqgrad';
import { saveSafetensorsFile } from '../../src/node.js';

// Distinct sizes per axis (STYLE 2.7), so a transposed weight cannot pass.
const [B, T, S, E, H, F, V, I, HIDDEN] = [2, 4, 5, 12, 3, 7, 11, 3, 5];

interface Case {
  name: string;
  module: string;
  config: Record<string, number | string>;
  dtype: DType;
  build: () => Module;
  /** Inputs as tensors (or integer ids), boolean masks, and the function that runs them. */
  inputs: (rng: seedrandom.PRNG, dtype: DType) => Record<string, Tensor | number[][]>;
  masks?: Record<string, boolean[][]>;
  run: (module: never, inputs: Record<string, never>) => Record<string, Tensor>;
}

const tensors = (rng: seedrandom.PRNG, dtype: DType, shapes: Record<string, number[]>) =>
  Object.fromEntries(Object.entries(shapes).map(([k, shape]) => [k, randn(shape, { rng, dtype })]));

const sourcePadding = [
  [false, false, false, false, true],
  [false, false, false, false, false],
];
const targetPadding = [
  [false, false, false, true],
  [false, false, false, false],
];
const transformer = { dModel: E, nHead: H, dimFeedforward: F, dropout: 0 };
const cell = { inputSize: I, hiddenSize: HIDDEN };

const CASES: Case[] = [
  {
    name: 'encoder_layer',
    module: 'EncoderLayer',
    config: transformer,
    dtype: 'float32',
    build: () => new EncoderLayer(E, H, { dimFeedforward: F, dropout: 0 }),
    inputs: (rng, dtype) => tensors(rng, dtype, { src: [B, T, E] }),
    masks: { src_key_padding_mask: targetPadding },
    run: (m: EncoderLayer, { src }: Record<string, Tensor>) => ({
      output: m.forward(src as Tensor, { srcKeyPaddingMask: targetPadding }),
    }),
  },
  {
    name: 'decoder_layer',
    module: 'DecoderLayer',
    config: { ...transformer, tgtIsCausal: 'true' },
    dtype: 'float32',
    build: () => new DecoderLayer(E, H, { dimFeedforward: F, dropout: 0 }),
    inputs: (rng, dtype) => tensors(rng, dtype, { tgt: [B, T, E], memory: [B, S, E] }),
    masks: { memory_key_padding_mask: sourcePadding },
    run: (m: DecoderLayer, { tgt, memory }: Record<string, Tensor>) => ({
      output: m.forward(tgt as Tensor, memory as Tensor, {
        tgtIsCausal: true,
        memoryKeyPaddingMask: sourcePadding,
      }),
    }),
  },
  {
    name: 'multi_head_attention',
    module: 'MultiHeadAttention',
    config: { embedDim: E, numHeads: H },
    dtype: 'float32',
    build: () => new MultiHeadAttention(E, H),
    inputs: (rng, dtype) =>
      tensors(rng, dtype, { query: [B, T, E], key: [B, S, E], value: [B, S, E] }),
    masks: { key_padding_mask: sourcePadding },
    run: (m: MultiHeadAttention, { query, key, value }: Record<string, Tensor>) => {
      const { output, weights } = m.forward(query as Tensor, key as Tensor, value as Tensor, {
        keyPaddingMask: sourcePadding,
      });
      return { output, weights: weights as Tensor };
    },
  },
  ...(['tanh', 'relu'] as const).map(
    (nonlinearity): Case => ({
      name: `rnn_cell_${nonlinearity}`,
      module: 'RNNCell',
      config: { ...cell, nonlinearity },
      dtype: 'float32',
      build: () => new RNNCell(I, HIDDEN, { nonlinearity }),
      inputs: (rng, dtype) => tensors(rng, dtype, { x: [B, I], h: [B, HIDDEN] }),
      run: (m: RNNCell, { x, h }: Record<string, Tensor>) => ({ h: m.forward(x as Tensor, h) }),
    }),
  ),
  ...(['float32', 'float64'] as const).map(
    (dtype): Case => ({
      name: dtype === 'float32' ? 'lstm_cell' : 'lstm_cell_f64',
      module: 'LSTMCell',
      config: cell,
      dtype,
      build: () => new LSTMCell(I, HIDDEN),
      inputs: (rng, d) => tensors(rng, d, { x: [B, I], h: [B, HIDDEN], c: [B, HIDDEN] }),
      run: (m: LSTMCell, { x, h, c }: Record<string, Tensor>) => {
        const [h1, c1] = m.forward(x as Tensor, [h as Tensor, c as Tensor]);
        return { h: h1, c: c1 };
      },
    }),
  ),
  {
    name: 'gru_cell',
    module: 'GRUCell',
    config: cell,
    dtype: 'float32',
    build: () => new GRUCell(I, HIDDEN),
    inputs: (rng, dtype) => tensors(rng, dtype, { x: [B, I], h: [B, HIDDEN] }),
    run: (m: GRUCell, { x, h }: Record<string, Tensor>) => ({ h: m.forward(x as Tensor, h) }),
  },
  {
    name: 'embedding',
    module: 'Embedding',
    config: { numEmbeddings: V, embeddingDim: 6, paddingIdx: 0 },
    dtype: 'float32',
    build: () => new Embedding(V, 6, { paddingIdx: 0 }),
    inputs: () => ({
      ids: [
        [1, 5, 0, 10],
        [7, 7, 3, 0],
      ],
    }),
    run: (m: Embedding, { ids }: Record<string, number[][]>) => ({
      output: m.forward(ids as number[][]),
    }),
  },
];

/** Every parameter random (seeded): N(0, 0.4²), layer-norm weights 1 + N(0, 0.2²). */
function randomize(module: Module, rng: seedrandom.PRNG, dtype: DType): void {
  const state: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(module.stateDict())) {
    const noise = randn(t.shape, { rng, dtype }).mul(0.4);
    state[key] = /(^|\.)norm\d*\.weight$/.test(key) ? noise.mul(0.5).add(1) : noise;
  }
  module.loadStateDict(state);
}

const plain = (t: Tensor | number[][]) =>
  Array.isArray(t)
    ? { shape: [t.length, t[0]?.length ?? 0], data: t.flat() }
    : { shape: t.shape, data: flat(t) };

function flat(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (v: NestedNumbers): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(v);
  };
  walk(t.toArray());
  return out;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: npx tsx tools/interop/export-from-seqgrad.ts <output dir>');
  await mkdir(dir, { recursive: true });
  for (const c of CASES) {
    const rng = seedrandom(`export-from-seqgrad ${c.name}`);
    const module = c.build().to(c.dtype).eval();
    randomize(module, rng, c.dtype);
    const inputs = c.inputs(rng, c.dtype);
    const outputs = noGrad(() => c.run(module as never, inputs as Record<string, never>));
    await saveSafetensorsFile(join(dir, `${c.name}.safetensors`), module, {
      format: 'pt',
      source: 'seqgrad',
      module: c.module,
    });
    const record = {
      module: c.module,
      config: c.config,
      dtype: c.dtype,
      keys: Object.keys(module.stateDict()),
      inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, plain(v)])),
      masks: c.masks ?? {},
      outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, plain(v)])),
    };
    await writeFile(join(dir, `${c.name}.json`), `${JSON.stringify(record)}\n`);
  }
  await writeFile(join(dir, 'index.json'), `${JSON.stringify(CASES.map((c) => c.name))}\n`);
  console.log(`wrote ${CASES.length} modules to ${dir}`);
}

await main();
