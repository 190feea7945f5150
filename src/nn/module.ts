/**
 * The Module base class: explicit registration of parameters, buffers and children under
 * PyTorch's names, and the state dict built from them.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { formatShape, ShapeError, show } from '../errors.js';
import { copy, type DType } from '../ndarray/ndarray.js';
import { sameShape, sizeOf } from '../ndarray/shape.js';

/** A trainable tensor: a leaf with `requiresGrad` set, registered on a module. */
export type Parameter = Tensor;

/** A tensor as plain data, e.g. read from JSON: row-major values and their shape. */
export interface PlainTensor {
  /** The sizes of the axes. */
  readonly shape: readonly number[];
  /** The values in row-major order, as many as the product of `shape`. */
  readonly data: ArrayLike<number>;
}

/** A state-dict entry: a Tensor, or a {@link PlainTensor}. */
export type StateValue = Tensor | PlainTensor;

/** Options of {@link Module.loadStateDict}. */
export interface LoadOptions {
  /** When true (the default), missing and unexpected keys are errors, as in PyTorch. */
  strict?: boolean;
}

const NAME = /^[^.]+$/;

/**
 * Base class of every layer. A subclass registers its parameters, buffers and child modules in
 * its constructor under PyTorch's attribute names, which become the state-dict keys
 * (`self_attn.in_proj_weight`, `layers.0.linear1.bias`, …), and implements `forward`.
 *
 * @example
 * ```ts
 * class TwoLayer extends Module {
 *   readonly first = this.registerModule('first', new Linear(4, 8));
 *   readonly second = this.registerModule('second', new Linear(8, 2));
 *   forward(x: Tensor): Tensor { return this.second.forward(this.first.forward(x).relu()); }
 * }
 * Object.keys(new TwoLayer().stateDict()); // ['first.weight', 'first.bias', 'second.weight', 'second.bias']
 * ```
 */
export abstract class Module {
  /** True in training mode (dropout active), false after {@link Module.eval}. */
  training = true;
  readonly #parameters = new Map<string, Parameter>();
  readonly #buffers = new Map<string, { tensor: Tensor; persistent: boolean }>();
  readonly #children = new Map<string, Module>();

  /** Computes the module's output; each subclass documents its inputs' shapes. */
  abstract forward(...inputs: never[]): unknown;

  #checkName(kind: string, name: string): void {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new TypeError(
        `${this.constructor.name}.${kind}: name must be a non-empty string without '.'; got ${JSON.stringify(name)}`,
      );
    }
    if (name === '__proto__') {
      // It cannot be a plain object's own key, so it could never round-trip through a state dict.
      throw new TypeError(
        `${this.constructor.name}.${kind}: '__proto__' cannot be a name (it is not a plain object key)`,
      );
    }
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new Error(`${this.constructor.name}.${kind}: '${name}' is already registered`);
    }
  }

  /** Registers `parameter` under `name` (PyTorch's attribute name) and marks it trainable. */
  protected registerParameter(name: string, parameter: Parameter): Parameter {
    this.#checkName('registerParameter', name);
    parameter.requiresGrad = true;
    this.#parameters.set(name, parameter);
    return parameter;
  }

  /**
   * Registers a tensor that is part of the module's state but not trained. A persistent buffer
   * is saved in the state dict; a non-persistent one (such as a precomputed table) is not.
   */
  protected registerBuffer(name: string, tensor: Tensor, { persistent = true } = {}): Tensor {
    this.#checkName('registerBuffer', name);
    this.#buffers.set(name, { tensor, persistent });
    return tensor;
  }

  /** Registers a child module under `name`; its keys are prefixed with `name.`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.#checkName('registerModule', name);
    if (!(module instanceof Module)) {
      throw new TypeError(`${this.constructor.name}.registerModule: '${name}' must be a Module`);
    }
    this.#children.set(name, module);
    return module;
  }

  /** `[name, parameter]` pairs: own parameters first, then each child's, in registration order. */
  *namedParameters(prefix = ''): Generator<[string, Parameter]> {
    for (const [name, p] of this.#parameters) yield [prefix + name, p];
    for (const [name, child] of this.#children) yield* child.namedParameters(`${prefix}${name}.`);
  }

  /** Every trainable tensor, in state-dict order (for an optimizer). */
  parameters(): Parameter[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  /** `[name, child]` pairs of the direct children, in registration order. */
  *namedChildren(): Generator<[string, Module]> {
    yield* this.#children;
  }

  /** The saved state in PyTorch's order: per module, parameters, then persistent buffers, then children. */
  *#namedState(prefix = ''): Generator<[string, Tensor]> {
    for (const [name, p] of this.#parameters) yield [prefix + name, p];
    for (const [name, b] of this.#buffers) if (b.persistent) yield [prefix + name, b.tensor];
    for (const [name, child] of this.#children) yield* child.#namedState(`${prefix}${name}.`);
  }

  /**
   * The module's state as `{ key: tensor }` with PyTorch's keys in PyTorch's order. The tensors
   * share storage with the module (detached, as PyTorch's `state_dict()`).
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [key, t] of this.#namedState()) out[key] = t.detach();
    return out;
  }

  /**
   * Copies a state dict into this module's parameters and buffers (converting to their dtype).
   * Everything is checked before anything is written, so a failed load changes nothing.
   *
   * @param state - `{ key: Tensor | { shape, data } }`, e.g. from {@link Module.stateDict} or a PyTorch export
   * @returns this module, for chaining
   * @throws Error listing every missing and unexpected key (when strict) and every shape mismatch
   */
  loadStateDict(state: Record<string, StateValue>, { strict = true }: LoadOptions = {}): this {
    const where = `${this.constructor.name}.loadStateDict`;
    if (typeof state !== 'object' || state === null) {
      throw new TypeError(`${where}: state must be an object of tensors; got ${show(state)}`);
    }
    const own = new Map(this.#namedState());
    const given = Object.keys(state);
    const missing = [...own.keys()].filter((k) => !Object.hasOwn(state, k));
    const unexpected = given.filter((k) => !own.has(k));
    const problems: string[] = [];
    if (strict && missing.length > 0) problems.push(`missing keys [${missing.join(', ')}]`);
    if (strict && unexpected.length > 0)
      problems.push(`unexpected keys [${unexpected.join(', ')}]`);
    const writes: Array<[Tensor, ArrayLike<number>]> = [];
    for (const key of given) {
      const target = own.get(key);
      if (!target) continue;
      const value = state[key] as StateValue;
      const problem = describeValue(value, target.data.shape);
      if (problem) {
        problems.push(`'${key}' ${problem.replace('{module}', formatShape(target.data.shape))}`);
      } else {
        writes.push([target, value instanceof Tensor ? copy(value.data).data : value.data]);
      }
    }
    if (problems.length > 0) {
      const error = problems.some((p) => p.includes(' in the checkpoint but '))
        ? ShapeError
        : Error;
      throw new error(`${where}: ${problems.join('; ')}`);
    }
    // Parameters and buffers are contiguous arrays this library allocated: copy in place, so
    // anything holding the tensor (an optimizer, a user) sees the new values, as PyTorch's copy_.
    for (const [target, data] of writes) {
      const { data: storage, offset } = target.data;
      for (let i = 0; i < target.size; i++) storage[offset + i] = data[i] as number;
    }
    return this;
  }

  /** Sets training mode on this module and every descendant (dropout reads it). */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.#children.values()) child.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the `.grad` of every parameter (before the next backward pass). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** The dtype of the module's parameters (float32 unless converted with {@link Module.to}). */
  get dtype(): DType {
    // Stops at the first parameter: forward methods read this on every call.
    const first =
      this.namedParameters().next().value?.[1] ?? this.#buffers.values().next().value?.tensor;
    return first?.dtype ?? 'float32';
  }

  /**
   * Converts every parameter and buffer to `dtype` in place (as PyTorch's `.double()` /
   * `.float()`); inputs must then have that dtype too. Clears gradients.
   */
  to(dtype: DType): this {
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new TypeError(
        `${this.constructor.name}.to: dtype must be 'float32' or 'float64'; got ${show(dtype)}`,
      );
    }
    for (const p of this.#parameters.values())
      if (p.dtype !== dtype) p.replaceData(copy(p.data, dtype));
    for (const { tensor } of this.#buffers.values()) {
      if (tensor.dtype !== dtype) tensor.replaceData(copy(tensor.data, dtype));
    }
    for (const child of this.#children.values()) child.to(dtype);
    return this;
  }
}

/** Why a state-dict value cannot fill a tensor of `shape`, or null when it can. */
function describeValue(value: StateValue, shape: readonly number[]): string | null {
  if (value instanceof Tensor) {
    return sameShape(value.data.shape, shape)
      ? null
      : `is ${formatShape(value.data.shape)} in the checkpoint but {module} in the module`;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray(value.shape) ||
    value.data?.length === undefined
  ) {
    return 'must be a Tensor or { shape, data }';
  }
  if (!sameShape(value.shape, shape)) {
    return `is ${formatShape(value.shape)} in the checkpoint but {module} in the module`;
  }
  if (value.data.length !== sizeOf(shape)) {
    return `has ${value.data.length} values for shape ${formatShape(value.shape)} (${sizeOf(shape)} expected)`;
  }
  return null;
}
