/**
 * The Module system: registration, PyTorch's state-dict order, loading (strict, atomic, copying,
 * converting), modes, gradients, dtype conversion, seeded construction and PyTorch's initial
 * distributions. Sizes are distinct per axis (B=2, T=3, S=5, E=12, H=3, F=7, V=11, inputSize=3,
 * hiddenSize=5) unless a test needs many samples.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  Decoder,
  DecoderLayer,
  Dropout,
  Embedding,
  Encoder,
  EncoderLayer,
  full,
  GRUCell,
  LayerNorm,
  Linear,
  LSTMCell,
  Module,
  ModuleList,
  MultiHeadAttention,
  manualSeed,
  PositionalEncoding,
  RNNCell,
  type Rng,
  randn,
  ShapeError,
  type Tensor,
  Transformer,
  tensor,
  zeros,
} from '../../src/index.js';
import { flat } from '../helpers/assert-close.js';
import { expectError } from '../helpers/expect-error.js';

/** Every kind of state, registered interleaved so that only a correct ordering passes. */
class Probe extends Module {
  readonly scale = this.registerParameter('scale', full([2], 0.5));
  readonly first = this.registerModule('first', new Linear(3, 4));
  readonly runningMean = this.registerBuffer('running_mean', full([4], 0.25));
  readonly table = this.registerBuffer('table', full([5, 4], 2), { persistent: false });
  readonly offset = this.registerParameter('offset', zeros([4]));
  readonly second = this.registerModule('second', new Linear(4, 2, { bias: false }));

  forward(x: Tensor): Tensor {
    return this.second.forward(this.first.forward(x).mul(this.runningMean).add(this.offset));
  }
}

/** Exposes the protected registration methods. */
class Open extends Module {
  register(kind: 'parameter' | 'buffer' | 'module', name: string): void {
    if (kind === 'parameter') this.registerParameter(name, zeros([1]));
    else if (kind === 'buffer') this.registerBuffer(name, zeros([1]));
    else this.registerModule(name, new Linear(1, 1));
  }
  forward(): null {
    return null;
  }
}

const registerMethod = {
  parameter: 'registerParameter',
  buffer: 'registerBuffer',
  module: 'registerModule',
} as const;

/** A deep copy of every state-dict value (stateDict() shares storage with the module). */
function snapshot(module: Module): Record<string, { shape: number[]; data: number[] }> {
  return Object.fromEntries(
    Object.entries(module.stateDict()).map(([key, t]) => [
      key,
      { shape: t.shape, data: flat(t).data },
    ]),
  );
}

/** Every parameter's values, in order, copied. */
function parameterValues(module: Module): number[][] {
  return module.parameters().map((p) => flat(p).data);
}

/** The module and all its descendants. */
function descendants(module: Module): Module[] {
  return [module, ...[...module.namedChildren()].flatMap(([, child]) => descendants(child))];
}

const encoderLayerKeys = [
  'self_attn.in_proj_weight',
  'self_attn.in_proj_bias',
  'self_attn.out_proj.weight',
  'self_attn.out_proj.bias',
  'linear1.weight',
  'linear1.bias',
  'linear2.weight',
  'linear2.bias',
  'norm1.weight',
  'norm1.bias',
  'norm2.weight',
  'norm2.bias',
];

const decoderLayerKeys = [
  'self_attn.in_proj_weight',
  'self_attn.in_proj_bias',
  'self_attn.out_proj.weight',
  'self_attn.out_proj.bias',
  'multihead_attn.in_proj_weight',
  'multihead_attn.in_proj_bias',
  'multihead_attn.out_proj.weight',
  'multihead_attn.out_proj.bias',
  'linear1.weight',
  'linear1.bias',
  'linear2.weight',
  'linear2.bias',
  'norm1.weight',
  'norm1.bias',
  'norm2.weight',
  'norm2.bias',
  'norm3.weight',
  'norm3.bias',
];

const layerOptions = { dimFeedforward: 7, dropout: 0 };

describe('registration', () => {
  it('registers parameters, buffers and children, and marks parameters trainable', () => {
    const probe = new Probe();
    expect(probe.scale.requiresGrad).toBe(true);
    expect(probe.offset.requiresGrad).toBe(true);
    expect(probe.runningMean.requiresGrad).toBe(false);
    expect([...probe.namedChildren()].map(([name, child]) => [name, child])).toEqual([
      ['first', probe.first],
      ['second', probe.second],
    ]);
    expect(probe.forward(randn([2, 3])).shape).toEqual([2, 2]);
  });

  it.each(['parameter', 'buffer', 'module'] as const)(
    '%s: a name containing "." throws',
    (kind) => {
      expectError(
        () => new Open().register(kind, 'layer.weight'),
        TypeError,
        `Open.${registerMethod[kind]}: name must be a non-empty string without '.'; got "layer.weight"`,
      );
    },
  );

  it.each(['parameter', 'buffer', 'module'] as const)('%s: an empty name throws', (kind) => {
    expectError(
      () => new Open().register(kind, ''),
      TypeError,
      `Open.${registerMethod[kind]}: name must be a non-empty string without '.'; got ""`,
    );
  });

  it.each(['parameter', 'buffer', 'module'] as const)(
    '%s: a name registered twice throws, whatever registered it first',
    (kind) => {
      const open = new Open();
      open.register(kind, 'weight');
      expectError(
        () => open.register(kind, 'weight'),
        Error,
        `Open.${registerMethod[kind]}: 'weight' is already registered`,
      );
      const other = kind === 'parameter' ? 'buffer' : 'parameter';
      expectError(
        () => open.register(other, 'weight'),
        Error,
        `Open.${registerMethod[other]}: 'weight' is already registered`,
      );
    },
  );

  it('registerModule refuses something that is not a Module', () => {
    class Bad extends Module {
      readonly child = this.registerModule('child', {} as Module);
      forward(): null {
        return null;
      }
    }
    expectError(() => new Bad(), TypeError, "Bad.registerModule: 'child' must be a Module");
  });
});

describe('namedParameters, parameters and stateDict order (PyTorch)', () => {
  it('own parameters, then persistent buffers, then children in registration order', () => {
    const probe = new Probe();
    expect([...probe.namedParameters()].map(([key]) => key)).toEqual([
      'scale',
      'offset',
      'first.weight',
      'first.bias',
      'second.weight',
    ]);
    // The non-persistent `table` is not saved; `running_mean` comes after the own parameters.
    expect(Object.keys(probe.stateDict())).toEqual([
      'scale',
      'offset',
      'running_mean',
      'first.weight',
      'first.bias',
      'second.weight',
    ]);
    expect(probe.parameters()).toEqual([
      probe.scale,
      probe.offset,
      probe.first.weight,
      probe.first.bias,
      probe.second.weight,
    ]);
    probe.parameters().forEach((p, i) => {
      expect(p).toBe([...probe.namedParameters()][i]?.[1]);
    });
  });

  it('stateDict values hold the module values, detached', () => {
    const probe = new Probe();
    const state = probe.stateDict();
    expect(flat(state.running_mean as Tensor).data).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(flat(state['first.weight'] as Tensor).data).toEqual(flat(probe.first.weight).data);
    expect((state['first.weight'] as Tensor).requiresGrad).toBe(false);
  });

  it('nests keys through ModuleList ("layers.0", "layers.1", …)', () => {
    const encoder = new Encoder(() => new EncoderLayer(12, 3, layerOptions), 2, {
      norm: new LayerNorm(12),
    });
    expect(Object.keys(encoder.stateDict())).toEqual([
      ...encoderLayerKeys.map((k) => `layers.0.${k}`),
      ...encoderLayerKeys.map((k) => `layers.1.${k}`),
      'norm.weight',
      'norm.bias',
    ]);
    expect(encoder.stateDict()).toHaveProperty(['layers.1.linear1.bias']);
    const decoder = new Decoder(() => new DecoderLayer(12, 3, layerOptions), 2);
    expect(Object.keys(decoder.stateDict())).toEqual([
      ...decoderLayerKeys.map((k) => `layers.0.${k}`),
      ...decoderLayerKeys.map((k) => `layers.1.${k}`),
    ]);
    expect([...encoder.namedParameters()].map(([k]) => k)).toEqual(
      Object.keys(encoder.stateDict()),
    );
  });

  it('the Transformer has encoder.*, decoder.* keys with the stacks inside', () => {
    const model = new Transformer({
      dModel: 12,
      nHead: 3,
      numEncoderLayers: 2,
      numDecoderLayers: 1,
      ...layerOptions,
    });
    expect(Object.keys(model.stateDict())).toEqual([
      ...encoderLayerKeys.map((k) => `encoder.layers.0.${k}`),
      ...encoderLayerKeys.map((k) => `encoder.layers.1.${k}`),
      'encoder.norm.weight',
      'encoder.norm.bias',
      ...decoderLayerKeys.map((k) => `decoder.layers.0.${k}`),
      'decoder.norm.weight',
      'decoder.norm.bias',
    ]);
  });

  it('disabled biases and affine parameters have no key', () => {
    expect(Object.keys(new Linear(3, 5, { bias: false }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new Linear(3, 5).stateDict())).toEqual(['weight', 'bias']);
    for (const Cell of [RNNCell, LSTMCell, GRUCell]) {
      expect(Object.keys(new Cell(3, 5, { bias: false }).stateDict())).toEqual([
        'weight_ih',
        'weight_hh',
      ]);
      expect(Object.keys(new Cell(3, 5).stateDict())).toEqual([
        'weight_ih',
        'weight_hh',
        'bias_ih',
        'bias_hh',
      ]);
    }
    expect(Object.keys(new MultiHeadAttention(12, 3, { bias: false }).stateDict())).toEqual([
      'in_proj_weight',
      'out_proj.weight',
    ]);
    expect(Object.keys(new LayerNorm(12, { elementwiseAffine: false }).stateDict())).toEqual([]);
    expect(new Linear(3, 5, { bias: false }).bias).toBeNull();
  });

  it('modules without parameters have an empty state dict', () => {
    expect(new Dropout(0.1).stateDict()).toEqual({});
    expect(new PositionalEncoding(12).stateDict()).toEqual({});
    expect(new Dropout(0.1).parameters()).toEqual([]);
  });
});

describe('loadStateDict', () => {
  it('loads Tensor values and plain { shape, data } values', () => {
    const layer = new Linear(4, 3);
    const weight = [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ];
    layer.loadStateDict({ weight: tensor(weight), bias: { shape: [3], data: [0.5, -1.5, 2.5] } });
    expect(layer.weight.toArray()).toEqual(weight);
    expect(layer.bias?.toArray()).toEqual([0.5, -1.5, 2.5]);
  });

  it('loads a non-contiguous (transposed) Tensor in its logical order', () => {
    const layer = new Linear(4, 3);
    const stored = tensor([
      [1, 5, 9],
      [2, 6, 10],
      [3, 7, 11],
      [4, 8, 12],
    ]).transpose(0, 1); // (3, 4) view
    layer.loadStateDict({ weight: stored, bias: zeros([3]) });
    expect(layer.weight.toArray()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
  });

  it('writes into the existing parameter tensors (an optimizer holding them sees the load)', () => {
    const layer = new Linear(4, 3);
    const [weight, bias] = layer.parameters();
    layer.loadStateDict({ weight: full([3, 4], 2), bias: full([3], 3) });
    expect(layer.parameters()[0]).toBe(weight);
    expect(layer.parameters()[1]).toBe(bias);
    expect(flat(weight as Tensor).data).toEqual(new Array(12).fill(2));
  });

  it('copies: later changes to the source do not leak into the module', () => {
    const layer = new Linear(4, 3);
    const source = full([3, 4], 1);
    const biasData = [7, 8, 9];
    layer.loadStateDict({ weight: source, bias: { shape: [3], data: biasData } });
    source.data.data.fill(-100);
    biasData[0] = -100;
    expect(flat(layer.weight).data).toEqual(new Array(12).fill(1));
    expect(layer.bias?.toArray()).toEqual([7, 8, 9]);

    // Loading another module's state dict (which shares its storage) copies too.
    const other = new Linear(4, 3);
    layer.loadStateDict(other.stateDict());
    const loaded = parameterValues(layer);
    expect(loaded).toEqual(parameterValues(other));
    other.weight.data.data.fill(42);
    expect(parameterValues(layer)).toEqual(loaded);
  });

  it("converts values to the module's dtype", () => {
    const layer = new Linear(4, 3);
    layer.loadStateDict({
      weight: full([3, 4], 0.1, { dtype: 'float64' }),
      bias: { shape: [3], data: new Float64Array([0.1, 0.2, 0.3]) },
    });
    expect(layer.weight.dtype).toBe('float32');
    expect(layer.weight.data.data[0]).toBe(Math.fround(0.1));
    expect(layer.bias?.toArray()).toEqual([0.1, 0.2, 0.3].map(Math.fround));

    const double = new Linear(4, 3).to('float64');
    double.loadStateDict({
      weight: full([3, 4], 0.1),
      bias: { shape: [3], data: [0.1, 0.2, 0.3] },
    });
    expect(double.weight.dtype).toBe('float64');
    expect(double.weight.data.data[0]).toBe(Math.fround(0.1)); // the float32 value, widened
    expect(double.bias?.toArray()).toEqual([0.1, 0.2, 0.3]); // exact from plain numbers
  });

  it('loads persistent buffers and treats non-persistent ones as unexpected keys', () => {
    const probe = new Probe();
    const state = snapshot(new Probe());
    state.running_mean = { shape: [4], data: [1, 2, 3, 4] };
    probe.loadStateDict(state);
    expect(probe.runningMean.toArray()).toEqual([1, 2, 3, 4]);
    expectError(
      () =>
        probe.loadStateDict({ ...state, table: { shape: [5, 4], data: new Array(20).fill(0) } }),
      Error,
      'Probe.loadStateDict: unexpected keys [table]',
    );
  });

  it('strict: a missing, an unexpected and a mis-shaped key are all listed in one error', () => {
    const cell = new LSTMCell(4, 5); // weight_ih (20, 4), weight_hh (20, 5), biases (20)
    expectError(
      () =>
        cell.loadStateDict({
          weight_ih: zeros([20, 3]),
          weight_hh: zeros([20, 5]),
          bias: zeros([20]),
        }),
      ShapeError,
      "LSTMCell.loadStateDict: missing keys [bias_ih, bias_hh]; unexpected keys [bias]; 'weight_ih' is [20, 3] in the checkpoint but [20, 4] in the module",
    );
  });

  it('strict: key problems alone are reported, every offender named', () => {
    const cell = new LSTMCell(4, 5);
    expectError(
      () => cell.loadStateDict({ weight_ih: zeros([20, 4]), bias: zeros([20]), extra: zeros([1]) }),
      Error,
      'LSTMCell.loadStateDict: missing keys [weight_hh, bias_ih, bias_hh]; unexpected keys [bias, extra]',
    );
    expectError(
      () =>
        cell.loadStateDict({
          weight_ih: zeros([20, 3]),
          weight_hh: zeros([5, 20]),
          bias_ih: zeros([20]),
          bias_hh: { shape: [4, 5], data: new Array(20).fill(0) },
        }),
      ShapeError,
      "LSTMCell.loadStateDict: 'weight_ih' is [20, 3] in the checkpoint but [20, 4] in the module; 'weight_hh' is [5, 20] in the checkpoint but [20, 5] in the module; 'bias_hh' is [4, 5] in the checkpoint but [20] in the module",
    );
  });

  it('a failed load changes nothing (atomic)', () => {
    const model = new EncoderLayer(12, 3, layerOptions);
    const before = parameterValues(model);
    const good = snapshot(new EncoderLayer(12, 3, layerOptions));
    // Every key but one is valid: the valid ones must not be written either.
    expect(() =>
      model.loadStateDict({ ...good, 'linear2.bias': { shape: [7], data: new Array(7).fill(1) } }),
    ).toThrow(ShapeError);
    expect(parameterValues(model)).toEqual(before);
    expect(() =>
      model.loadStateDict({ ...good, 'norm2.bias': { shape: [12], data: [1, 2, 3] } }),
    ).toThrow(Error);
    expect(parameterValues(model)).toEqual(before);
    const { 'norm2.bias': _dropped, ...missingOne } = good;
    expect(() => model.loadStateDict(missingOne)).toThrow(Error);
    expect(parameterValues(model)).toEqual(before);
    expect(() => model.loadStateDict({ ...good, extra: zeros([1]) })).toThrow(Error);
    expect(parameterValues(model)).toEqual(before);
    expect(() =>
      model.loadStateDict({ ...good, 'linear1.weight': zeros([12, 7]) }, { strict: false }),
    ).toThrow(ShapeError);
    expect(parameterValues(model)).toEqual(before);
    // And the same state loads once it is valid.
    model.loadStateDict(good);
    expect(snapshot(model)).toEqual(good);
  });

  it('strict: false ignores missing and unexpected keys but still rejects mis-shaped ones', () => {
    const cell = new GRUCell(3, 5);
    const before = snapshot(cell);
    cell.loadStateDict(
      { weight_hh: full([15, 5], 0.5), bias: zeros([15]), 'cell.weight': zeros([1]) },
      { strict: false },
    );
    const after = snapshot(cell);
    expect(after.weight_hh?.data).toEqual(new Array(75).fill(0.5));
    expect(after.weight_ih).toEqual(before.weight_ih);
    expect(after.bias_ih).toEqual(before.bias_ih);
    expect(after.bias_hh).toEqual(before.bias_hh);
    expectError(
      () => cell.loadStateDict({ weight_ih: zeros([15, 5]) }, { strict: false }),
      ShapeError,
      "GRUCell.loadStateDict: 'weight_ih' is [15, 5] in the checkpoint but [15, 3] in the module",
    );
  });

  it('rejects { shape, data } whose data length does not match the shape', () => {
    const layer = new Linear(4, 3);
    const before = parameterValues(layer);
    expectError(
      () => layer.loadStateDict({ weight: { shape: [3, 4], data: [1, 2, 3] }, bias: zeros([3]) }),
      Error,
      "Linear.loadStateDict: 'weight' has 3 values for shape [3, 4] (12 expected)",
    );
    expect(() =>
      layer.loadStateDict({
        weight: { shape: [3, 4], data: new Array(13).fill(0) },
        bias: zeros([3]),
      }),
    ).toThrow("Linear.loadStateDict: 'weight' has 13 values for shape [3, 4] (12 expected)");
    expect(parameterValues(layer)).toEqual(before);
  });

  it('rejects values that are neither a Tensor nor { shape, data }, and a non-object state', () => {
    const layer = new Linear(4, 3);
    expectError(
      () => layer.loadStateDict({ weight: null as never, bias: zeros([3]) }),
      Error,
      "Linear.loadStateDict: 'weight' must be a Tensor or { shape, data }",
    );
    expectError(
      () => layer.loadStateDict(null as never),
      TypeError,
      'Linear.loadStateDict: state must be an object of tensors; got null',
    );
  });

  it('keys such as __proto__ and constructor do not pollute prototypes', () => {
    const layer = new Linear(4, 3);
    const before = parameterValues(layer);
    const hostile = JSON.parse(
      '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}',
    );
    expectError(
      () => layer.loadStateDict(hostile),
      Error,
      'Linear.loadStateDict: missing keys [weight, bias]; unexpected keys [__proto__, constructor]',
    );
    expect(layer.loadStateDict(hostile, { strict: false })).toBe(layer);
    layer.loadStateDict(JSON.parse('{"__proto__": {"polluted": 1}}'), { strict: false });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect((Object as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(parameterValues(layer)).toEqual(before);
  });

  it('a key inherited from Object.prototype does not count as present', () => {
    class Named extends Module {
      readonly p = this.registerParameter('constructor', zeros([2]));
      readonly q = this.registerParameter('toString', zeros([3]));
      forward(): null {
        return null;
      }
    }
    expectError(
      () => new Named().loadStateDict({}),
      Error,
      'Named.loadStateDict: missing keys [constructor, toString]',
    );
    const named = new Named().loadStateDict({
      constructor: { shape: [2], data: [1, 2] },
      toString: { shape: [3], data: [3, 4, 5] },
    });
    expect(named.p.toArray()).toEqual([1, 2]);
    expect(named.q.toArray()).toEqual([3, 4, 5]);
  });

  it('a parameter named __proto__ is either refused or kept as a real key of the state dict', () => {
    class Proto extends Module {
      readonly p = this.registerParameter('__proto__', full([2], 3));
      readonly q = this.registerParameter('bias', zeros([3]));
      forward(): null {
        return null;
      }
    }
    let module: Proto;
    try {
      module = new Proto();
    } catch (error) {
      expect((error as Error).message).toContain('__proto__');
      return;
    }
    const state = module.stateDict();
    expect(Object.keys(state)).toEqual(['__proto__', 'bias']);
    expect([Object.prototype, null]).toContain(Object.getPrototypeOf(state));
    expect(() => new Proto().loadStateDict(state)).not.toThrow();
  });

  it('returns the module, so construction, loading and mode chain', () => {
    const source = new Linear(4, 3);
    const layer = new Linear(4, 3);
    expect(layer.loadStateDict(source.stateDict())).toBe(layer);
    const chained: Linear = new Linear(4, 3).eval().loadStateDict(source.stateDict());
    expect(chained.training).toBe(false);
    expect(parameterValues(chained)).toEqual(parameterValues(source));
  });

  it('round-trips through JSON: a loaded model computes what the original computes', () => {
    const source = new MultiHeadAttention(12, 3);
    const json = JSON.stringify(
      Object.fromEntries(
        Object.entries(source.stateDict()).map(([k, t]) => [
          k,
          { shape: t.shape, data: flat(t).data },
        ]),
      ),
    );
    const copy = new MultiHeadAttention(12, 3).loadStateDict(JSON.parse(json));
    const q = randn([2, 3, 12]);
    const kv = randn([2, 5, 12]);
    expect(copy.forward(q, kv, kv).output.toArray()).toEqual(
      source.forward(q, kv, kv).output.toArray(),
    );
  });

  it('PositionalEncoding names the tutorial key pe when loaded strictly', () => {
    expectError(
      () => new PositionalEncoding(12).loadStateDict({ pe: zeros([5000, 12]) }),
      Error,
      'PositionalEncoding.loadStateDict: unexpected keys [pe]',
    );
    expect(() =>
      new PositionalEncoding(12).loadStateDict({ pe: zeros([5000, 12]) }, { strict: false }),
    ).not.toThrow();
  });
});

describe('train, eval and zeroGrad', () => {
  it('train()/eval() recurse into every descendant, down to a Dropout in a nested layer', () => {
    const model = new Transformer({
      dModel: 12,
      nHead: 3,
      numEncoderLayers: 2,
      numDecoderLayers: 2,
      dimFeedforward: 7,
    });
    const all = descendants(model);
    expect(all.length).toBeGreaterThan(30);
    expect(all.every((m) => m.training)).toBe(true);
    const deepDropout = model.decoder.layers.at(1).dropout3;
    expect(all).toContain(deepDropout);

    expect(model.eval()).toBe(model);
    expect(model.training).toBe(false);
    expect(deepDropout.training).toBe(false);
    expect(model.encoder.layers.at(0).dropout.training).toBe(false);
    expect(model.encoder.layers.at(1).selfAttn.training).toBe(false);
    expect(all.filter((m) => m.training)).toEqual([]);

    expect(model.train()).toBe(model);
    expect(all.every((m) => m.training)).toBe(true);
    model.train(false);
    expect(all.filter((m) => m.training)).toEqual([]);
    model.train(true);
    expect(deepDropout.training).toBe(true);
  });

  it('eval() on a parent switches off the dropout of an EncoderLayer inside it', () => {
    manualSeed(11);
    const layer = new EncoderLayer(12, 3, { dimFeedforward: 7, dropout: 0.5 });
    const x = randn([2, 3, 12]);
    const trained1 = layer.forward(x).toArray();
    const trained2 = layer.forward(x).toArray();
    expect(trained1).not.toEqual(trained2); // dropout active in training mode
    layer.eval();
    expect(layer.dropout1.training).toBe(false);
    expect(layer.forward(x).toArray()).toEqual(layer.forward(x).toArray());
  });

  it('zeroGrad() clears the gradient of every parameter, however deep', () => {
    const model = new Transformer({
      dModel: 12,
      nHead: 3,
      numEncoderLayers: 1,
      numDecoderLayers: 2,
      ...layerOptions,
    });
    const src = randn([2, 5, 12]);
    const tgt = randn([2, 3, 12]);
    model.forward(src, tgt, { tgtIsCausal: true }).sum().backward();
    const params = model.parameters();
    expect(params.filter((p) => p.grad === null).length).toBe(0);
    const once = params.map((p) => flat(p.grad as Tensor).data);

    model.forward(src, tgt, { tgtIsCausal: true }).sum().backward(); // accumulates
    expect(flat(params[0]?.grad as Tensor).data).toEqual(once[0]?.map((g) => 2 * g));

    model.zeroGrad();
    expect(params.map((p) => p.grad)).toEqual(params.map(() => null));
    model.forward(src, tgt, { tgtIsCausal: true }).sum().backward();
    expect(flat(params[0]?.grad as Tensor).data).toEqual(once[0]);
  });
});

describe('to(dtype)', () => {
  it('converts every parameter in place: the same Tensor objects, now float64, same values', () => {
    const layer = new EncoderLayer(12, 3, layerOptions);
    const before = layer.parameters();
    const values = parameterValues(layer);
    expect(layer.to('float64')).toBe(layer);
    const after = layer.parameters();
    expect(after.length).toBe(before.length);
    after.forEach((p, i) => {
      expect(p).toBe(before[i]);
      expect(p.dtype).toBe('float64');
      expect(p.requiresGrad).toBe(true);
    });
    expect(parameterValues(layer)).toEqual(values);
    expect(layer.selfAttn.outProj.weight.dtype).toBe('float64');
    expect(layer.dtype).toBe('float64');
    expect(Object.values(layer.stateDict()).every((t) => t.dtype === 'float64')).toBe(true);
  });

  it('converts persistent and non-persistent buffers too', () => {
    const probe = new Probe().to('float64');
    expect(probe.runningMean.dtype).toBe('float64');
    expect(probe.table.dtype).toBe('float64');
    expect(flat(probe.table).data).toEqual(new Array(20).fill(2));
    expect(probe.forward(randn([2, 3], { dtype: 'float64' })).dtype).toBe('float64');
    probe.to('float32');
    expect(probe.table.dtype).toBe('float32');
    expect(probe.scale.dtype).toBe('float32');
  });

  it('forward then takes float64 input, trains in float64, and rejects float32 naming the layer', () => {
    const layer = new EncoderLayer(12, 3, layerOptions).to('float64');
    const x = randn([2, 3, 12], { dtype: 'float64', requiresGrad: true });
    const out = layer.forward(x);
    expect(out.dtype).toBe('float64');
    expect(out.shape).toEqual([2, 3, 12]);
    out.sum().backward();
    expect(layer.linear1.weight.grad?.dtype).toBe('float64');
    expectError(
      () => layer.forward(randn([2, 3, 12])),
      TypeError,
      "EncoderLayer.forward: src is float32 but the module's parameters are float64; convert one with .to('float64')",
    );
  });

  it.each([
    [
      'Linear',
      () => new Linear(3, 5).to('float64').forward(randn([2, 3])),
      "Linear.forward: x is float32 but the module's parameters are float64; convert one with .to('float64')",
    ],
    [
      'GRUCell',
      () => new GRUCell(3, 5).to('float64').forward(randn([2, 3])),
      "GRUCell.forward: x is float32 but the module's parameters are float64; convert one with .to('float64')",
    ],
    [
      'MultiHeadAttention',
      () => {
        const x = randn([2, 3, 12]);
        return new MultiHeadAttention(12, 3).to('float64').forward(x, x, x);
      },
      "MultiHeadAttention.forward: query is float32 but the module's parameters are float64; convert one with .to('float64')",
    ],
    [
      'LayerNorm',
      () => new LayerNorm(12).to('float64').forward(randn([2, 3, 12])),
      "LayerNorm.forward: x is float32 but the module's parameters are float64; convert one with .to('float64')",
    ],
  ])('%s after to("float64") rejects float32 input', (_, fn, message) => {
    expectError(fn, TypeError, message);
  });

  it('Embedding after to("float64") returns float64 vectors', () => {
    const embed = new Embedding(11, 6).to('float64');
    expect(embed.forward([[1, 2, 3]]).dtype).toBe('float64');
  });

  it('rejects an unknown dtype', () => {
    expectError(
      () => new Linear(3, 5).to('int32' as never),
      TypeError,
      "Linear.to: dtype must be 'float32' or 'float64'; got \"int32\"",
    );
  });
});

describe('determinism', () => {
  /** One of every layer with parameters. */
  function buildAll(rng?: Rng): Module[] {
    const r = rng ? { rng } : {};
    return [
      new Linear(3, 5, r),
      new Embedding(11, 6, { paddingIdx: 0, ...r }),
      new RNNCell(3, 5, r),
      new LSTMCell(3, 5, r),
      new GRUCell(3, 5, r),
      new MultiHeadAttention(12, 3, r),
      new EncoderLayer(12, 3, { ...layerOptions, ...r }),
      new DecoderLayer(12, 3, { ...layerOptions, ...r }),
      new Transformer({
        dModel: 12,
        nHead: 3,
        numEncoderLayers: 1,
        numDecoderLayers: 1,
        ...layerOptions,
        ...r,
      }),
    ];
  }
  const states = (modules: Module[]) => modules.map(snapshot);

  it('manualSeed(s) then building twice gives identical state dicts; another seed differs', () => {
    manualSeed(7);
    const first = states(buildAll());
    manualSeed(7);
    const second = states(buildAll());
    expect(second).toEqual(first);
    manualSeed(8);
    const other = states(buildAll());
    other.forEach((state, i) => {
      expect(state, `module ${i}`).not.toEqual(first[i]);
    });
  });

  it('an explicit rng gives identical weights whatever the default generator did', () => {
    manualSeed(1);
    const first = states(buildAll(seedrandom('seqgrad')));
    manualSeed(2);
    randn([17]);
    const second = states(buildAll(seedrandom('seqgrad')));
    expect(second).toEqual(first);
    const other = states(buildAll(seedrandom('another')));
    other.forEach((state, i) => {
      expect(state, `module ${i}`).not.toEqual(first[i]);
    });
  });

  it('an explicit rng leaves the default generator untouched', () => {
    manualSeed(5);
    const expected = randn([4]).toArray();
    manualSeed(5);
    buildAll(seedrandom('seqgrad'));
    expect(randn([4]).toArray()).toEqual(expected);
  });

  it('dropout masks follow the seed too', () => {
    const layer = new EncoderLayer(12, 3, { dimFeedforward: 7, dropout: 0.3 });
    const x = randn([2, 3, 12]);
    manualSeed(3);
    const first = layer.forward(x).toArray();
    manualSeed(3);
    expect(layer.forward(x).toArray()).toEqual(first);
  });
});

describe("initialisation matches PyTorch's distributions", () => {
  /** Asserts the values fill U(−bound, bound): inside it, and reaching close to both ends. */
  function expectUniform(t: Tensor, bound: number, label: string): void {
    const values = flat(t).data;
    const max = Math.max(...values);
    const min = Math.min(...values);
    const slack = bound * 1e-6; // float32 rounding of a sample next to the bound
    expect(max, `${label}: max ${max} vs bound ${bound}`).toBeLessThanOrEqual(bound + slack);
    expect(min, `${label}: min ${min} vs bound ${bound}`).toBeGreaterThanOrEqual(-bound - slack);
    expect(max, `${label}: max ${max} vs bound ${bound}`).toBeGreaterThan(0.9 * bound);
    expect(min, `${label}: min ${min} vs bound ${bound}`).toBeLessThan(-0.9 * bound);
  }

  function moments(t: Tensor): { mean: number; std: number } {
    const values = flat(t).data;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    return { mean, std: Math.sqrt(variance) };
  }

  it('Linear: weight and bias from U(±1/√inFeatures)', () => {
    manualSeed(0);
    const layer = new Linear(400, 300); // 1/√in = 0.05; a 1/√out bound (0.0577) would fail
    expectUniform(layer.weight, 1 / Math.sqrt(400), 'weight');
    expectUniform(layer.bias as Tensor, 1 / Math.sqrt(400), 'bias');
    const { mean, std } = moments(layer.weight);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeCloseTo(0.05 / Math.sqrt(3), 3); // a uniform's std
  });

  it.each([
    ['RNNCell', RNNCell, 1],
    ['LSTMCell', LSTMCell, 4],
    ['GRUCell', GRUCell, 3],
  ] as const)('%s: every parameter from U(±1/√hiddenSize)', (_, Cell, gates) => {
    manualSeed(0);
    const cell = new Cell(9, 100); // 1/√hidden = 0.1; 1/√input would be 0.33
    const bound = 1 / Math.sqrt(100);
    expect(cell.weightIh.shape).toEqual([gates * 100, 9]);
    expect(cell.weightHh.shape).toEqual([gates * 100, 100]);
    expectUniform(cell.weightIh, bound, 'weight_ih');
    expectUniform(cell.weightHh, bound, 'weight_hh');
    expectUniform(cell.biasIh as Tensor, bound, 'bias_ih');
    expectUniform(cell.biasHh as Tensor, bound, 'bias_hh');
  });

  it('MultiHeadAttention: Xavier in_proj_weight, zero biases, default Linear out_proj.weight', () => {
    manualSeed(0);
    const E = 64;
    const attention = new MultiHeadAttention(E, 4);
    expectUniform(attention.inProjWeight, Math.sqrt(6 / (E + 3 * E)), 'in_proj_weight');
    expect(flat(attention.inProjBias as Tensor).data).toEqual(new Array(3 * E).fill(0));
    expect(flat(attention.outProj.bias as Tensor).data).toEqual(new Array(E).fill(0));
    expectUniform(attention.outProj.weight, 1 / Math.sqrt(E), 'out_proj.weight');
  });

  it('Transformer: every weight matrix Xavier-uniform, as torch.nn.Transformer', () => {
    manualSeed(0);
    const model = new Transformer({
      dModel: 64,
      nHead: 4,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 96,
    });
    for (const [name, p] of model.namedParameters()) {
      if (p.ndim < 2) continue;
      const [fanOut, fanIn] = p.shape as [number, number];
      expectUniform(p, Math.sqrt(6 / (fanIn + fanOut)), name);
    }
  });

  it('LayerNorm: weight ones, bias zeros', () => {
    const norm = new LayerNorm([3, 4]);
    expect(norm.weight?.toArray()).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
    expect(norm.bias?.toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('Embedding: N(0, 1) with the padding row at zero (negative paddingIdx counts from the end)', () => {
    manualSeed(0);
    const embed = new Embedding(200, 50, { paddingIdx: 3 });
    const rows = embed.weight.toArray() as number[][];
    expect(rows[3]).toEqual(new Array(50).fill(0));
    expect(rows.filter((row) => row.every((v) => v === 0)).length).toBe(1);
    const { mean, std } = moments(embed.weight);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);

    const fromEnd = new Embedding(11, 6, { paddingIdx: -2 });
    expect(fromEnd.paddingIdx).toBe(9);
    expect((fromEnd.weight.toArray() as number[][])[9]).toEqual(new Array(6).fill(0));
  });
});

describe('ModuleList', () => {
  const make = () => {
    const items = [new Linear(3, 5), new Linear(5, 7), new Linear(7, 2)];
    return { items, list: new ModuleList(items) };
  };

  it('has a length, at(), iteration in order and keys "0", "1", …', () => {
    const { items, list } = make();
    expect(list.length).toBe(3);
    expect(list.at(0)).toBe(items[0]);
    expect(list.at(2)).toBe(items[2]);
    expect(list.at(-1)).toBe(items[2]);
    expect([...list]).toEqual(items);
    const seen: Linear[] = [];
    for (const layer of list) seen.push(layer);
    expect(seen).toEqual(items);
    expect(Object.keys(list.stateDict())).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '2.weight',
      '2.bias',
    ]);
  });

  it('push() appends under the next index', () => {
    const { list } = make();
    const extra = new Linear(2, 4, { bias: false });
    expect(list.push(extra)).toBe(list);
    expect(list.length).toBe(4);
    expect(list.at(3)).toBe(extra);
    expect(Object.keys(list.stateDict()).at(-1)).toBe('3.weight');
    expect(new ModuleList().length).toBe(0);
  });

  it('at() out of range throws a RangeError naming the index and the length', () => {
    const { list } = make();
    expectError(
      () => list.at(3),
      RangeError,
      'ModuleList.at: index 3 is out of range for 3 modules',
    );
    expectError(
      () => list.at(-4),
      RangeError,
      'ModuleList.at: index -4 is out of range for 3 modules',
    );
    expectError(
      () => new ModuleList().at(0),
      RangeError,
      'ModuleList.at: index 0 is out of range for 0 modules',
    );
  });

  it('at() with a non-integer index throws instead of truncating it', () => {
    const { list } = make();
    expect(() => list.at(1.5)).toThrow(/^ModuleList\.at: index 1\.5 /);
  });

  it('has no forward of its own', () => {
    expectError(
      () => new ModuleList().forward(),
      Error,
      'ModuleList.forward: a ModuleList has no forward; iterate over its modules',
    );
  });

  it('push() of something that is not a Module names push, the call the user made', () => {
    expect(() => new ModuleList().push({} as Module)).toThrow(/^ModuleList\.push: /);
  });
});
