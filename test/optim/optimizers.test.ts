/**
 * SGD, Adam and AdamW against PyTorch 1.13 (test/fixtures/torch/optim.json, written by
 * tools/fixtures/optim.py): two parameters of shapes [3, 4] and [5], five steps with stored
 * gradients (some null, which PyTorch skips), the parameters after every step and the state after
 * the last. Then the Optimizer contract: zeroGrad, lr, stateDict round trips through JSON,
 * rejected states, and the constructors' checks.
 */
import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  type DType,
  Linear,
  type Optimizer,
  type OptimizerStateDict,
  SGD,
  ShapeError,
  type Tensor,
  tensor,
  transpose,
} from '../../src/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { fromJSON, loadFixture, type TensorJSON } from '../helpers/fixtures.js';

interface OptimizerCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW';
  /** torch's keyword arguments (snake_case). */
  config: Record<string, unknown>;
  initial: TensorJSON[];
  grads: Array<Array<TensorJSON | null>>;
  params: TensorJSON[][];
  state: Record<string, Record<string, TensorJSON | number>>;
}

const fixture = loadFixture<{ optimizers: OptimizerCase[] }>('optim');
const CLASSES = { SGD, Adam, AdamW };

/** torch's keyword arguments as seqgrad options (`weight_decay` → `weightDecay`). */
function options(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [
      k.replace(/_(.)/g, (_, c: string) => c.toUpperCase()),
      v,
    ]),
  );
}

function build(c: OptimizerCase, dtype: DType = 'float64') {
  const params = c.initial.map((t) => fromJSON(t, { dtype, requiresGrad: true }));
  // biome-ignore lint/suspicious/noExplicitAny: fixture options are untyped JSON.
  const optimizer: Optimizer = new CLASSES[c.optimizer](params, options(c.config) as any);
  return { params, optimizer };
}

function setGrads(params: Tensor[], grads: Array<TensorJSON | null>, dtype: DType = 'float64') {
  grads.forEach((g, i) => {
    (params[i] as Tensor).grad = g ? fromJSON(g, { dtype }) : null;
  });
}

const values = (t: Tensor) =>
  Array.from(t.data.data.subarray(t.data.offset, t.data.offset + t.size));

describe('the fixture', () => {
  it('covers every optimizer and option the brief names, with skipped gradients', () => {
    expect(fixture.torch).toMatch(/^1\.13/);
    const names = fixture.optimizers.map((c) => c.name);
    expect(names).toEqual([
      'SGD plain',
      'SGD momentum',
      'SGD nesterov, weight decay',
      'SGD dampening',
      'SGD momentum, maximize, a missing grad',
      'Adam default',
      'Adam weight decay',
      'Adam amsgrad',
      'Adam, a missing grad',
      'AdamW default',
      'AdamW custom decay, amsgrad',
    ]);
    for (const c of fixture.optimizers) {
      expect(c.initial.map((t) => t.shape)).toEqual([[3, 4], [5]]);
      expect(c.grads).toHaveLength(5);
    }
    expect(
      fixture.optimizers.flatMap((c) => c.grads.flat()).filter((g) => g === null),
    ).toHaveLength(4);
  });
});

describe.each(fixture.optimizers)('$name matches torch.optim', (c) => {
  it('float64: parameters after each of 5 steps to 1e-12, and the final state', () => {
    const { params, optimizer } = build(c);
    c.grads.forEach((grads, step) => {
      setGrads(params, grads);
      optimizer.step();
      c.params[step]?.forEach((expected, i) => {
        assertClose(params[i] as Tensor, expected, {
          atol: 1e-12,
          rtol: 1e-12,
          label: `step ${step + 1}, param ${i}`,
        });
      });
    });
    const { state } = optimizer.stateDict();
    expect(Object.keys(state)).toEqual(Object.keys(c.state));
    for (const [index, entry] of Object.entries(c.state)) {
      const ours = state[index] as Record<string, unknown>;
      expect(Object.keys(ours).sort()).toEqual(Object.keys(entry).sort());
      for (const [key, value] of Object.entries(entry)) {
        if (typeof value === 'number') expect(ours[key]).toBe(value);
        else {
          const buffer = ours[key] as TensorJSON;
          expect(buffer.shape).toEqual(value.shape);
          assertClose(buffer.data, value.data, {
            atol: 1e-12,
            rtol: 1e-12,
            label: `${index}.${key}`,
          });
        }
      }
    }
  });

  it('float32: parameters after each step to 1e-6 relative', () => {
    const { params, optimizer } = build(c, 'float32');
    expect(params[0]?.dtype).toBe('float32');
    c.grads.forEach((grads, step) => {
      setGrads(params, grads, 'float32');
      optimizer.step();
      c.params[step]?.forEach((expected, i) => {
        assertClose(params[i] as Tensor, expected, {
          atol: 1e-7,
          rtol: 1e-6,
          label: `step ${step + 1}`,
        });
      });
    });
  });

  it('resumes after stateDict → JSON → a fresh optimizer: steps 3 to 5 equal the uninterrupted run', () => {
    const { params, optimizer } = build(c);
    const resumedParams = c.initial.map((t) => fromJSON(t, { requiresGrad: true }));
    for (const grads of c.grads.slice(0, 2)) {
      setGrads(params, grads);
      optimizer.step();
    }
    resumedParams.forEach((p, i) => {
      p.data.data.set(values(params[i] as Tensor));
    });
    const saved = JSON.parse(JSON.stringify(optimizer.stateDict())) as OptimizerStateDict;
    // Built with other hyperparameters: loading must restore the saved ones.
    const Class = CLASSES[c.optimizer] as typeof SGD;
    const resumed: Optimizer = new Class(resumedParams, { lr: 0.5 });
    expect(resumed.loadStateDict(saved)).toBe(resumed);
    expect(resumed.stateDict()).toEqual(optimizer.stateDict());
    for (const grads of c.grads.slice(2)) {
      setGrads(params, grads);
      setGrads(resumedParams, grads);
      optimizer.step();
      resumed.step();
      resumedParams.forEach((p, i) => {
        expect(values(p)).toEqual(values(params[i] as Tensor));
      });
    }
    assertClose(resumedParams[1] as Tensor, c.params[4]?.[1] as TensorJSON, {
      atol: 1e-12,
      rtol: 1e-12,
    });
  });
});

describe('the Optimizer contract', () => {
  it('skips parameters whose grad is null: no update, no state, no step count', () => {
    const a = tensor([1, 2], { requiresGrad: true, dtype: 'float64' });
    const b = tensor([3, 4, 5], { requiresGrad: true, dtype: 'float64' });
    const adam = new Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1, 1], { dtype: 'float64' });
    adam.step();
    expect(b.toArray()).toEqual([3, 4, 5]);
    expect(Object.keys(adam.stateDict().state)).toEqual(['0']);
    b.grad = tensor([1, 1, 1], { dtype: 'float64' });
    adam.step();
    const { state } = adam.stateDict();
    expect([state['0']?.step, state['1']?.step]).toEqual([2, 1]);
    // Its first step is a fresh Adam step: −lr · sign(grad).
    assertClose(b, [2.9, 3.9, 4.9], { atol: 1e-9 });
  });

  it('zeroGrad sets every grad to null, after which step changes nothing', () => {
    const model = new Linear(3, 2);
    const sgd = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    model
      .forward(tensor([[1, 2, 3]]))
      .sum()
      .backward();
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    sgd.zeroGrad();
    expect(model.parameters().map((p) => p.grad)).toEqual([null, null]);
    const before = model.parameters().map(values);
    sgd.step();
    expect(model.parameters().map(values)).toEqual(before);
    expect(sgd.stateDict().state).toEqual({});
  });

  it('a new lr takes effect at the next step and shows in the state dict', () => {
    const w = tensor([1], { requiresGrad: true, dtype: 'float64' });
    const sgd = new SGD([w], { lr: 0.1 });
    w.grad = tensor([1], { dtype: 'float64' });
    sgd.step();
    sgd.lr = 0.5;
    sgd.step();
    expect(w.item()).toBeCloseTo(1 - 0.1 - 0.5, 14);
    expect(sgd.lr).toBe(0.5);
    expect(sgd.stateDict().paramGroups[0]?.lr).toBe(0.5);
    expect(() => {
      sgd.lr = -1;
    }).toThrow('SGD: lr must be a non-negative number; got -1');
    expect(sgd.lr).toBe(0.5);
  });

  it("Adam's step scales with lr (twice the lr, twice the move)", () => {
    const c = fixture.optimizers.find((x) => x.name === 'Adam weight decay') as OptimizerCase;
    const one = build(c);
    const two = build(c);
    for (const run of [one, two]) {
      for (const grads of c.grads.slice(0, 2)) {
        setGrads(run.params, grads);
        run.optimizer.step();
      }
    }
    const start = values(one.params[0] as Tensor);
    two.optimizer.lr = 2 * one.optimizer.lr;
    for (const run of [one, two]) {
      setGrads(run.params, c.grads[2] as Array<TensorJSON | null>);
      run.optimizer.step();
    }
    const moveOne = values(one.params[0] as Tensor).map((v, i) => v - (start[i] as number));
    const moveTwo = values(two.params[0] as Tensor).map((v, i) => v - (start[i] as number));
    assertClose(
      moveTwo,
      moveOne.map((m) => 2 * m),
      { atol: 1e-15, rtol: 1e-9 },
    );
  });

  it('fills in defaults as PyTorch, and names hyperparameters by their options', () => {
    const p = () => [tensor([1], { requiresGrad: true })];
    expect(new SGD(p(), { lr: 0.1 }).hyperparameters).toEqual({
      lr: 0.1,
      momentum: 0,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
      maximize: false,
    });
    const adam = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false };
    expect(new Adam(p()).hyperparameters).toEqual(adam);
    expect(new AdamW(p()).hyperparameters).toEqual({ ...adam, weightDecay: 0.01 });
    expect(new Adam(p()).stateDict()).toEqual({
      state: {},
      paramGroups: [{ ...adam, params: [0] }],
    });
  });

  it('follows a module converted to float64 after the optimizer was built', () => {
    const model = new Linear(2, 1);
    const adam = new Adam(model.parameters(), { lr: 0.1 });
    model.to('float64');
    model
      .forward(tensor([[1, 2]], { dtype: 'float64' }))
      .sum()
      .backward();
    const before = values(model.weight);
    adam.step();
    expect(model.weight.dtype).toBe('float64');
    assertClose(
      values(model.weight),
      before.map((v) => v - 0.1),
      { atol: 1e-7 },
    );
  });

  it('reads a strided gradient by its logical layout', () => {
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true, dtype: 'float64' },
    );
    const b = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true, dtype: 'float64' },
    );
    const sgdA = new SGD([a], { lr: 1 });
    const sgdB = new SGD([b], { lr: 1 });
    a.grad = transpose(
      tensor(
        [
          [1, 4],
          [2, 5],
          [3, 6],
        ],
        { dtype: 'float64' },
      ),
      0,
      1,
    );
    b.grad = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float64' },
    );
    sgdA.step();
    sgdB.step();
    expect(a.toArray()).toEqual(b.toArray());
    expect(a.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('rejects a gradient of the wrong shape or kind', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const sgd = new SGD([w], { lr: 0.1 });
    w.grad = tensor([1, 2]);
    expect(() => sgd.step()).toThrow(ShapeError);
    expect(() => sgd.step()).toThrow('SGD.step: params[0].grad is [2] but the parameter is [3]');
    w.grad = [1, 2, 3] as unknown as Tensor;
    expect(() => new Adam([w]).step()).toThrow(
      'Adam.step: params[0].grad must be a Tensor or null; got [1, 2, 3]',
    );
  });
});

describe('loadStateDict rejects bad states and changes nothing', () => {
  const c = fixture.optimizers.find((x) => x.name === 'Adam amsgrad') as OptimizerCase;
  type Dict = { state: unknown; paramGroups: Array<Record<string, unknown>> };
  type State = Record<string, Record<string, unknown>>;
  /** The saved state of parameter `index`. */
  const entry = (d: Dict, index: string) => (d.state as State)[index] as Record<string, unknown>;
  /** A saved buffer of parameter `index`. */
  const buffer = (d: Dict, index: string, name: string) => entry(d, index)[name] as TensorJSON;
  const cases: Array<[string, (d: Dict) => unknown, RegExp, ErrorConstructor?]> = [
    [
      'not an object',
      () => null,
      /^Adam\.loadStateDict: stateDict must be an object \{ state, paramGroups \}; got null$/,
      TypeError,
    ],
    [
      'no paramGroups',
      (d) => ({ state: d.state }),
      /stateDict must be an object \{ state, paramGroups \}; got an object/,
    ],
    [
      'two groups',
      (d) => ({ ...d, paramGroups: [d.paramGroups[0], d.paramGroups[0]] }),
      /paramGroups must be an array of one group; got 2 groups/,
    ],
    [
      'fewer parameters',
      (d) => {
        d.paramGroups[0] = { ...d.paramGroups[0], params: [0] };
        return d;
      },
      /^Adam\.loadStateDict: paramGroups\[0\]\.params must list the optimizer's 2 parameters; got 1 parameters$/,
    ],
    [
      'lr as a string',
      (d) => {
        d.paramGroups[0] = { ...d.paramGroups[0], lr: '0.01' };
        return d;
      },
      /^Adam\.loadStateDict: paramGroups\[0\]\.lr must be a non-negative number; got "0\.01"$/,
      RangeError,
    ],
    [
      'beta of 1',
      (d) => {
        d.paramGroups[0] = { ...d.paramGroups[0], betas: [0.9, 1] };
        return d;
      },
      /paramGroups\[0\]\.betas\[1\] must be a number in \[0, 1\); got 1/,
    ],
    [
      'amsgrad as a number',
      (d) => {
        d.paramGroups[0] = { ...d.paramGroups[0], amsgrad: 1 };
        return d;
      },
      /paramGroups\[0\]\.amsgrad must be true or false; got 1/,
      TypeError,
    ],
    [
      'missing eps',
      (d) => {
        delete d.paramGroups[0]?.eps;
        return d;
      },
      /^Adam\.loadStateDict: paramGroups\[0\] is missing \[eps\]$/,
    ],
    [
      'an SGD hyperparameter',
      (d) => {
        d.paramGroups[0] = { ...d.paramGroups[0], momentum: 0.9 };
        return d;
      },
      /unknown paramGroups\[0\] hyperparameters \[momentum\]; expected \[lr, betas, eps, weightDecay, amsgrad\]/,
    ],
    [
      'state not an object',
      (d) => ({ ...d, state: [] }),
      /state must be an object keyed by parameter index; got \[\]/,
    ],
    [
      'an index past the end',
      (d) => {
        (d.state as State)['2'] = (d.state as State)['0'] as Record<string, unknown>;
        return d;
      },
      /state has key '2'; expected parameter indices 0 to 1/,
    ],
    [
      'a non-index key',
      (d) => {
        (d.state as State).weight = {};
        return d;
      },
      /state has key 'weight'; expected parameter indices 0 to 1/,
    ],
    [
      'a missing buffer',
      (d) => {
        delete entry(d, '1').max_exp_avg_sq;
        return d;
      },
      /^Adam\.loadStateDict: state\[1\] has keys \[step, exp_avg, exp_avg_sq\]; expected \[step, exp_avg, exp_avg_sq, max_exp_avg_sq\]$/,
    ],
    [
      'amsgrad off but its buffer present',
      (d) => {
        d.paramGroups[0] = { ...d.paramGroups[0], amsgrad: false };
        return d;
      },
      /state\[0\] has keys \[step, exp_avg, exp_avg_sq, max_exp_avg_sq\]; expected \[step, exp_avg, exp_avg_sq\]/,
    ],
    [
      'a transposed buffer',
      (d) => {
        buffer(d, '0', 'exp_avg').shape = [4, 3];
        return d;
      },
      /^Adam\.loadStateDict: state\[0\]\.exp_avg is \[4, 3\] but its parameter is \[3, 4\]$/,
      ShapeError as ErrorConstructor,
    ],
    [
      'a short buffer',
      (d) => {
        buffer(d, '1', 'exp_avg_sq').data.pop();
        return d;
      },
      /state\[1\]\.exp_avg_sq has 4 values for shape \[5\] \(5 expected\)/,
    ],
    [
      'a buffer without data',
      (d) => {
        (d.state as State)['1'] = { ...(d.state as State)['1'], exp_avg: [1, 2] };
        return d;
      },
      /state\[1\]\.exp_avg must be \{ shape, data \}; got \[1, 2\]/,
    ],
    [
      'a string in a buffer',
      (d) => {
        (buffer(d, '0', 'max_exp_avg_sq').data as unknown[])[3] = 'x';
        return d;
      },
      /state\[0\]\.max_exp_avg_sq\.data\[3\] must be a number; got "x"/,
    ],
    [
      'a fractional step',
      (d) => {
        entry(d, '0').step = 1.5;
        return d;
      },
      /state\[0\]\.step must be a non-negative integer; got 1\.5/,
    ],
  ];

  it.each(cases)('%s', (_, corrupt, message, kind) => {
    const { params, optimizer } = build(c);
    for (const grads of c.grads.slice(0, 2)) {
      setGrads(params, grads);
      optimizer.step();
    }
    const before = JSON.stringify(optimizer.stateDict());
    const paramsBefore = params.map(values);
    const bad = corrupt(JSON.parse(before));
    expect(() => optimizer.loadStateDict(bad as OptimizerStateDict)).toThrow(message);
    if (kind) expect(() => optimizer.loadStateDict(bad as OptimizerStateDict)).toThrow(kind);
    expect(JSON.stringify(optimizer.stateDict())).toBe(before);
    expect(params.map(values)).toEqual(paramsBefore);
    // The untouched state still loads, and the run continues as torch's.
    optimizer.loadStateDict(JSON.parse(before));
    for (const grads of c.grads.slice(2)) {
      setGrads(params, grads);
      optimizer.step();
    }
    assertClose(params[0] as Tensor, c.params[4]?.[0] as TensorJSON, { atol: 1e-12, rtol: 1e-12 });
  });

  it('an SGD state without momentum has no per-parameter entries, and its loader says what it needs', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const sgd = new SGD([w], { lr: 0.1 });
    w.grad = tensor([1, 1]);
    sgd.step();
    const dict = sgd.stateDict();
    expect(dict).toEqual({
      state: {},
      paramGroups: [
        {
          lr: 0.1,
          momentum: 0,
          dampening: 0,
          nesterov: false,
          weightDecay: 0,
          maximize: false,
          params: [0],
        },
      ],
    });
    const withMomentum = {
      ...dict,
      paramGroups: [{ ...dict.paramGroups[0], momentum: 0.9, nesterov: true, dampening: 0.1 }],
    };
    expect(() => sgd.loadStateDict(withMomentum as OptimizerStateDict)).toThrow(
      'SGD.loadStateDict: nesterov requires momentum > 0 and dampening 0; got momentum 0.9, dampening 0.1',
    );
    expect(() =>
      sgd.loadStateDict({
        ...dict,
        state: { 0: { momentum_buffer: { shape: [2], data: [1, 1] } } },
      }),
    ).toThrow('SGD.loadStateDict: state[0] has keys [momentum_buffer]; expected []');
  });
});

describe('constructor checks name the call, the argument, the expectation and the value', () => {
  const w = () => tensor([1, 2], { requiresGrad: true });
  const cases: Array<[string, () => unknown, string | RegExp]> = [
    [
      'negative lr',
      () => new SGD([w()], { lr: -1 }),
      'SGD: lr must be a non-negative number; got -1',
    ],
    [
      'missing lr',
      () => new SGD([w()], {} as { lr: number }),
      'SGD: lr is required (SGD has no default); got undefined',
    ],
    [
      'NaN lr',
      () => new Adam([w()], { lr: Number.NaN }),
      'Adam: lr must be a non-negative number; got NaN',
    ],
    [
      'negative momentum',
      () => new SGD([w()], { lr: 0.1, momentum: -0.5 }),
      'SGD: momentum must be a non-negative number; got -0.5',
    ],
    [
      'negative weight decay',
      () => new SGD([w()], { lr: 0.1, weightDecay: -1 }),
      'SGD: weightDecay must be a non-negative number; got -1',
    ],
    [
      'nesterov without momentum',
      () => new SGD([w()], { lr: 0.1, nesterov: true }),
      'SGD: nesterov requires momentum > 0 and dampening 0; got momentum 0, dampening 0',
    ],
    [
      'nesterov with dampening',
      () => new SGD([w()], { lr: 0.1, momentum: 0.9, dampening: 0.5, nesterov: true }),
      'SGD: nesterov requires momentum > 0 and dampening 0; got momentum 0.9, dampening 0.5',
    ],
    [
      'nesterov as a string',
      () => new SGD([w()], { lr: 0.1, nesterov: 'yes' as unknown as boolean }),
      'SGD: nesterov must be true or false; got "yes"',
    ],
    [
      'a snake_case option',
      () => new SGD([w()], { lr: 0.1, weight_decay: 0.1 } as { lr: number }),
      'SGD: unknown options [weight_decay]; expected [lr, momentum, dampening, nesterov, weightDecay, maximize]',
    ],
    [
      'beta of 1',
      () => new Adam([w()], { betas: [0.9, 1] }),
      'Adam: betas[1] must be a number in [0, 1); got 1',
    ],
    [
      'negative beta',
      () => new AdamW([w()], { betas: [-0.1, 0.999] }),
      'AdamW: betas[0] must be a number in [0, 1); got -0.1',
    ],
    [
      'betas as a number',
      () => new Adam([w()], { betas: 0.9 as unknown as [number, number] }),
      'Adam: betas must be two numbers in [0, 1); got 0.9',
    ],
    [
      'negative eps',
      () => new Adam([w()], { eps: -1e-8 }),
      'Adam: eps must be a non-negative number; got -1e-8',
    ],
    [
      'negative AdamW decay',
      () => new AdamW([w()], { weightDecay: -0.01 }),
      'AdamW: weightDecay must be a non-negative number; got -0.01',
    ],
    [
      'amsgrad as a number',
      () => new AdamW([w()], { amsgrad: 1 as unknown as boolean }),
      'AdamW: amsgrad must be true or false; got 1',
    ],
    [
      'options not an object',
      () => new Adam([w()], 0.1 as never),
      'Adam: options must be an object; got 0.1',
    ],
    [
      'no params',
      () => new SGD([], { lr: 0.1 }),
      'SGD: params is empty; expected at least one Tensor',
    ],
    [
      'params not iterable',
      () => new SGD(5 as never, { lr: 0.1 }),
      'SGD: params must be an array of Tensors (e.g. module.parameters()); got 5',
    ],
    [
      'an array as a param',
      () => new Adam([w(), [1, 2] as never]),
      'Adam: params[1] must be a Tensor; got [1, 2]',
    ],
    [
      'a non-leaf param',
      () => new Adam([w().mul(2)]),
      'Adam: params[0] was made by mul; an optimizer can only update leaf tensors',
    ],
    [
      'a strided param',
      () =>
        new Adam([
          transpose(
            tensor([
              [1, 2],
              [3, 4],
            ]),
            0,
            1,
          ),
        ]),
      'Adam: params[0] is a strided view; expected a contiguous tensor (updates are written in place)',
    ],
  ];
  it.each(cases)('%s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a parameter listed twice', () => {
    const p = w();
    expect(() => new SGD([p, w(), p], { lr: 0.1 })).toThrow(
      'SGD: params[2] is the same tensor as params[0]',
    );
  });
});
