/**
 * The Optimizer base class: the parameters, one group of hyperparameters, per-parameter state,
 * and a JSON-serialisable state dict in the spirit of PyTorch's `optimizer.state_dict()`.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { formatShape, ShapeError, show } from '../errors.js';
import {
  allocate,
  contiguous,
  type FloatArray,
  isContiguous,
  type NDArray,
} from '../ndarray/ndarray.js';
import { sameShape, sizeOf } from '../ndarray/shape.js';
import type { PlainTensor } from '../nn/module.js';

/** The hyperparameters every optimizer has: at least a learning rate. */
export interface BaseHyperparameters {
  /** The learning rate. */
  lr: number;
}

/**
 * One parameter's optimizer state: buffers shaped like the parameter (flat, row-major, in the
 * parameter's dtype) under PyTorch's names (`momentum_buffer`, `exp_avg`, …), and counters
 * (`step`).
 */
export type ParamState = Record<string, FloatArray | number>;

/** The names a parameter's state holds, as {@link Optimizer.stateLayout} declares them. */
export interface StateLayout {
  /** Buffers shaped like the parameter, e.g. `['exp_avg', 'exp_avg_sq']`. */
  readonly buffers: readonly string[];
  /** Non-negative integer counters, e.g. `['step']`. */
  readonly counters: readonly string[];
}

/** A parameter that has a gradient, as {@link Optimizer.gradients} lists them. */
export interface ParamWithGrad {
  /** The parameter's position in {@link Optimizer.params} (its key in the state dict). */
  readonly index: number;
  /** The parameter (a contiguous leaf, updated in place). */
  readonly param: Tensor;
  /** Its gradient, contiguous and of the parameter's shape. */
  readonly grad: NDArray;
}

/**
 * What {@link Optimizer.stateDict} returns and {@link Optimizer.loadStateDict} accepts: plain
 * JSON-serialisable data, shaped like PyTorch's optimizer state dict.
 */
export interface OptimizerStateDict {
  /**
   * Per-parameter state keyed by the parameter's index (as a string, as JSON keys are). A
   * parameter that has never been stepped has no entry. Buffers are `{ shape, data }`.
   */
  state: Record<string, Record<string, PlainTensor | number>>;
  /** One group: seqgrad optimizers have a single parameter group. */
  paramGroups: ParamGroupState[];
}

/**
 * A saved parameter group: the parameter indices and the hyperparameters under their option
 * names (`lr`, `momentum`, `betas`, `weightDecay`, …).
 */
export interface ParamGroupState {
  /** The indices of the group's parameters, `[0, 1, …]`. */
  params: number[];
  /** The learning rate. */
  lr: number;
  /** The other hyperparameters, by option name. */
  [hyperparameter: string]: unknown;
}

/** Throws a RangeError unless `value` is a finite number ≥ 0. */
export function checkNonNegative(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${where}: ${arg} must be a non-negative number; got ${show(value)}`);
  }
  return value;
}

/** Throws a TypeError unless `value` is a boolean. */
export function checkBoolean(where: string, arg: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${where}: ${arg} must be true or false; got ${show(value)}`);
  }
  return value;
}

/**
 * Throws a TypeError when `record` has names outside `names`: an unknown constructor option
 * (`prefix` '') or an unknown hyperparameter in a loaded group (`prefix` 'paramGroups[0].').
 */
export function checkNames(
  where: string,
  prefix: string,
  record: Record<string, unknown>,
  names: readonly string[],
): void {
  const unknown = Object.keys(record).filter((k) => !names.includes(k));
  if (unknown.length === 0) return;
  const what = prefix === '' ? 'options' : `${prefix.replace(/\.$/, '')} hyperparameters`;
  throw new TypeError(
    `${where}: unknown ${what} [${unknown.join(', ')}]; expected [${names.join(', ')}]`,
  );
}

/** Throws a TypeError when a loaded group lacks one of `names`. */
export function checkPresent(
  where: string,
  group: Record<string, unknown>,
  names: readonly string[],
): void {
  const missing = names.filter((k) => !(k in group));
  if (missing.length > 0) {
    throw new TypeError(`${where}: paramGroups[0] is missing [${missing.join(', ')}]`);
  }
}

/**
 * Base class of the optimizers. It holds the parameters (contiguous leaf tensors, updated in
 * place), one group of hyperparameters with a settable {@link Optimizer.lr}, and per-parameter
 * state. A subclass implements {@link Optimizer.step} over {@link Optimizer.gradients}, and says
 * how to check loaded hyperparameters and which state each parameter holds; the base class does
 * {@link Optimizer.zeroGrad}, {@link Optimizer.stateDict} and {@link Optimizer.loadStateDict}.
 *
 * Differences from PyTorch: a single parameter group; the state dict is plain JSON (buffers as
 * `{ shape, data }`, `step` as a number) keyed by parameter index, hyperparameters under their
 * camelCase option names.
 *
 * @example
 * ```ts
 * const model = new Linear(3, 2);
 * const optimizer: Optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * optimizer.params.length; // 2
 * optimizer.lr = 0.05;
 * optimizer.stateDict().paramGroups[0].lr; // 0.05
 * ```
 */
export abstract class Optimizer<H extends BaseHyperparameters = BaseHyperparameters> {
  /** The parameters, in the order given (their indices key the state dict). */
  readonly params: readonly Tensor[];
  /** The class name used in error messages, e.g. `'Adam'`. */
  protected readonly name: string;
  /** Per-parameter state by parameter index; absent until the parameter's first step. */
  protected readonly state = new Map<number, ParamState>();
  #hyper: H;

  /**
   * @param name - the class name for error messages
   * @param params - the tensors to optimize, e.g. `module.parameters()`
   * @param hyperparameters - already checked by the subclass
   * @throws TypeError if `params` is empty or holds anything but distinct contiguous leaf tensors
   */
  protected constructor(name: string, params: Iterable<Tensor>, hyperparameters: H) {
    this.name = name;
    if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
      throw new TypeError(
        `${name}: params must be an array of Tensors (e.g. module.parameters()); got ${show(params)}`,
      );
    }
    const list = [...params];
    if (list.length === 0)
      throw new Error(`${name}: params is empty; expected at least one Tensor`);
    list.forEach((p, i) => {
      if (!(p instanceof Tensor)) {
        throw new TypeError(`${name}: params[${i}] must be a Tensor; got ${show(p)}`);
      }
      if (!p.isLeaf) {
        throw new TypeError(
          `${name}: params[${i}] was made by ${p.node?.op}; an optimizer can only update leaf tensors`,
        );
      }
      if (!isContiguous(p.data)) {
        throw new TypeError(
          `${name}: params[${i}] is a strided view; expected a contiguous tensor (updates are written in place)`,
        );
      }
      const first = list.indexOf(p);
      if (first !== i) {
        throw new Error(`${name}: params[${i}] is the same tensor as params[${first}]`);
      }
    });
    this.params = list;
    this.#hyper = hyperparameters;
  }

  /** The learning rate of the next {@link Optimizer.step}; schedulers set it. */
  get lr(): number {
    return this.#hyper.lr;
  }
  /** @throws RangeError unless the new value is a non-negative number */
  set lr(value: number) {
    this.#hyper = { ...this.#hyper, lr: checkNonNegative(this.name, 'lr', value) };
  }

  /** A copy of the hyperparameters, with defaults filled in. */
  get hyperparameters(): Readonly<H> {
    return { ...this.#hyper };
  }

  /** Updates every parameter that has a gradient, in place; parameters whose `.grad` is null are skipped. */
  abstract step(): void;

  /**
   * Checks the hyperparameters of a loaded group (every one present, of the right type and
   * range, no unknown names) and returns them.
   * @param where - e.g. `'Adam.loadStateDict'`
   * @param group - `paramGroups[0]` without `params`
   */
  protected abstract checkHyperparameters(where: string, group: Record<string, unknown>): H;

  /** The state names a stepped parameter holds under `hyperparameters` (all of them, always). */
  protected abstract stateLayout(hyperparameters: H): StateLayout;

  /** Sets every parameter's `.grad` to null, as PyTorch's `zero_grad(set_to_none=True)`. */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /**
   * The parameters that have a gradient, with the gradient as a contiguous array.
   * @throws {@link ShapeError} if a gradient's shape differs from its parameter's
   */
  protected gradients(): ParamWithGrad[] {
    const out: ParamWithGrad[] = [];
    this.params.forEach((param, index) => {
      const grad = param.grad;
      if (grad === null || grad === undefined) return;
      if (!(grad instanceof Tensor)) {
        throw new TypeError(
          `${this.name}.step: params[${index}].grad must be a Tensor or null; got ${show(grad)}`,
        );
      }
      if (!sameShape(grad.data.shape, param.data.shape)) {
        throw new ShapeError(
          `${this.name}.step: params[${index}].grad is ${formatShape(grad.data.shape)} but the parameter is ${formatShape(param.data.shape)}`,
        );
      }
      out.push({ index, param, grad: contiguous(grad.data) });
    });
    return out;
  }

  /**
   * The optimizer's state as plain data (copies, so later steps do not change it): survives
   * `JSON.stringify` / `JSON.parse` and restores with {@link Optimizer.loadStateDict}.
   */
  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    for (const [index, entry] of [...this.state].sort(([a], [b]) => a - b)) {
      const shape = (this.params[index] as Tensor).shape;
      const saved: Record<string, PlainTensor | number> = {};
      for (const [key, value] of Object.entries(entry)) {
        saved[key] = typeof value === 'number' ? value : { shape, data: Array.from(value) };
      }
      state[String(index)] = saved;
    }
    const hyper: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.#hyper)) {
      hyper[key] = Array.isArray(value) ? [...value] : value;
    }
    const params = this.params.map((_, i) => i);
    return { state, paramGroups: [{ ...hyper, lr: this.#hyper.lr, params }] };
  }

  /**
   * Restores a state saved by {@link Optimizer.stateDict} (possibly after a JSON round trip):
   * the hyperparameters and every parameter's state. Everything is checked before anything is
   * written, so a rejected state changes nothing.
   *
   * @returns this optimizer, for chaining
   * @throws Error (TypeError, RangeError or {@link ShapeError}) naming the first problem: a
   *   parameter count that differs, a hyperparameter of the wrong type or range, an unknown
   *   parameter index, a missing or unexpected state name, a buffer whose shape differs from
   *   its parameter's
   */
  loadStateDict(stateDict: OptimizerStateDict): this {
    const where = `${this.name}.loadStateDict`;
    const dict = stateDict as unknown;
    if (!isRecord(dict) || !('state' in dict) || !('paramGroups' in dict)) {
      throw new TypeError(
        `${where}: stateDict must be an object { state, paramGroups }; got ${show(dict)}`,
      );
    }
    const groups = dict.paramGroups;
    if (!Array.isArray(groups) || groups.length !== 1 || !isRecord(groups[0])) {
      const got = Array.isArray(groups) ? `${groups.length} groups` : show(groups);
      throw new TypeError(`${where}: paramGroups must be an array of one group; got ${got}`);
    }
    const { params: indices, ...group } = groups[0];
    if (!Array.isArray(indices) || indices.length !== this.params.length) {
      const got = Array.isArray(indices) ? `${indices.length} parameters` : show(indices);
      throw new Error(
        `${where}: paramGroups[0].params must list the optimizer's ${this.params.length} parameters; got ${got}`,
      );
    }
    const hyper = this.checkHyperparameters(where, group);
    const layout = this.stateLayout(hyper);
    const saved = dict.state;
    if (!isRecord(saved)) {
      throw new TypeError(
        `${where}: state must be an object keyed by parameter index; got ${show(saved)}`,
      );
    }
    const restored = new Map<number, ParamState>();
    for (const [key, entry] of Object.entries(saved)) {
      const index = Number(key);
      const param = this.params[index];
      if (!/^\d+$/.test(key) || param === undefined) {
        throw new Error(
          `${where}: state has key '${key}'; expected parameter indices 0 to ${this.params.length - 1}`,
        );
      }
      restored.set(index, readParamState(`${where}: state[${key}]`, entry, param, layout));
    }
    this.#hyper = hyper;
    this.state.clear();
    for (const [index, entry] of restored) this.state.set(index, entry);
    return this;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one saved parameter state against `layout` and the parameter, and copies it. */
function readParamState(
  where: string,
  entry: unknown,
  param: Tensor,
  layout: StateLayout,
): ParamState {
  if (!isRecord(entry)) throw new TypeError(`${where} must be an object; got ${show(entry)}`);
  const expected = [...layout.counters, ...layout.buffers];
  const keys = Object.keys(entry);
  // A parameter whose layout is empty (SGD without momentum) keeps no state at all.
  if (expected.length === 0 && keys.length === 0) return {};
  if (keys.length !== expected.length || !expected.every((k) => keys.includes(k))) {
    throw new Error(`${where} has keys [${keys.join(', ')}]; expected [${expected.join(', ')}]`);
  }
  const out: ParamState = {};
  for (const name of layout.counters) {
    const value = entry[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new RangeError(`${where}.${name} must be a non-negative integer; got ${show(value)}`);
    }
    out[name] = value;
  }
  for (const name of layout.buffers) {
    out[name] = readBuffer(`${where}.${name}`, entry[name], param);
  }
  return out;
}

/** A saved `{ shape, data }` buffer as a fresh array in the parameter's dtype. */
function readBuffer(where: string, value: unknown, param: Tensor): FloatArray {
  if (!isRecord(value) || !Array.isArray(value.shape) || !Array.isArray(value.data)) {
    throw new TypeError(`${where} must be { shape, data }; got ${show(value)}`);
  }
  const shape = value.shape as unknown[];
  if (!sameShape(shape as number[], param.data.shape)) {
    throw new ShapeError(
      `${where} is ${formatShape(shape as number[])} but its parameter is ${formatShape(param.data.shape)}`,
    );
  }
  const data = value.data as unknown[];
  const size = sizeOf(param.data.shape);
  if (data.length !== size) {
    throw new ShapeError(
      `${where} has ${data.length} values for shape ${formatShape(param.data.shape)} (${size} expected)`,
    );
  }
  const out = allocate(size, param.dtype);
  for (let i = 0; i < size; i++) {
    const v = data[i];
    if (typeof v !== 'number')
      throw new TypeError(`${where}.data[${i}] must be a number; got ${show(v)}`);
    out[i] = v;
  }
  return out;
}
