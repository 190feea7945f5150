/**
 * The Tensor: an `ndarray` plus what autograd needs (requiresGrad, grad, the node that made it).
 * @module
 */

import { formatShape, ShapeError } from '../errors.js';
import { type DType, dtypeOf, type NDArray, toNested } from '../ndarray/ndarray.js';
import { sameShape } from '../ndarray/shape.js';
// The fluent methods below are one-line delegations to ops/: the single, documented back-edge
// from autograd to ops (STYLE 2.2). It is safe as a module cycle because ops/ touches Tensor
// only inside functions, never while its modules load.
import * as ops from '../ops/index.js';
import { runBackward } from './backward.js';

/**
 * An op's backward pass: given the gradient of the loss with respect to the op's output, returns
 * the gradient with respect to each input, in input order (null for "no gradient"). A result may
 * have the broadcast output shape; the engine sums it back to the input's shape.
 */
export type Backward = (
  grad: NDArray,
  needsGrad: readonly boolean[],
) => ReadonlyArray<NDArray | SliceGradient | null>;

/**
 * A gradient that is zero outside entries `[start, start + grad.shape[axis])` of `axis` of an
 * input of `shape`: what a slicing op returns instead of a zero-padded full-size copy, so that
 * T slices of one tensor (an unrolled sequence, the q/k/v thirds of a packed projection) cost
 * one buffer, not T.
 */
export interface SliceGradient {
  /** Marks the sparse form. */
  readonly kind: 'slice';
  /** The input's full shape. */
  readonly shape: readonly number[];
  /** The sliced axis. */
  readonly axis: number;
  /** Where the slice starts on that axis. */
  readonly start: number;
  /** The gradient of the slice. */
  readonly grad: NDArray;
}

/** How a non-leaf tensor was made: by which op, from which inputs, and how to differentiate it. */
export interface Node {
  /** The op's name, for error messages. */
  readonly op: string;
  /** The op's tensor inputs, in order. */
  readonly inputs: readonly Tensor[];
  /** Maps the output's gradient to the inputs' gradients. */
  readonly backward: Backward;
  /** Where the op was called, recorded only under anomaly detection. */
  readonly trace?: string;
}

/** What {@link Tensor.toArray} returns: a number for a 0-d tensor, else nested arrays. */
export type NestedNumbers = number | NestedNumbers[];

/** Sizes for `sum`/`mean`: one axis, several axes, or all when omitted. */
export type Dims = number | readonly number[];

/**
 * An n-dimensional array of float32 (default) or float64 numbers that records the operations
 * applied to it, so that {@link Tensor.backward} can compute gradients. Make one with
 * {@link tensor}, {@link zeros}, {@link randn} and friends, not with `new`.
 *
 * @example
 * ```ts
 * const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = w.mul(w).sum();   // Σ w²
 * loss.backward();
 * w.grad?.toArray();             // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  #data: NDArray;
  /** The gradient accumulated by {@link Tensor.backward}; only leaves keep one, as in PyTorch. */
  grad: Tensor | null = null;
  /** How this tensor was made; null for leaves (tensors not produced by a recorded op). */
  readonly node: Node | null;
  #requiresGrad: boolean;

  /** @internal Use the factories ({@link tensor}, {@link zeros}, …) instead. */
  constructor(data: NDArray, options: { requiresGrad?: boolean; node?: Node | null } = {}) {
    this.#data = data;
    this.node = options.node ?? null;
    this.#requiresGrad = options.requiresGrad ?? false;
  }

  /** The backing ndarray (a Float32Array or Float64Array with shape, strides and offset). */
  get data(): NDArray {
    return this.#data;
  }

  /**
   * @internal Swaps the storage of a leaf in place, keeping the object (so modules that hold it
   * see the change): `Module.to(dtype)` uses it, as PyTorch's `param.data = …`.
   */
  replaceData(data: NDArray): void {
    if (this.node) throw new Error('internal: replaceData on a tensor made by an op');
    this.#data = data;
    this.grad = null;
  }

  /** The sizes of the axes (a fresh array). */
  get shape(): number[] {
    return this.data.shape.slice();
  }
  /** `'float32'` or `'float64'`. */
  get dtype(): DType {
    return dtypeOf(this.data);
  }
  /** The number of elements. */
  get size(): number {
    return this.data.size;
  }
  /** The number of axes. */
  get ndim(): number {
    return this.data.shape.length;
  }
  /** True for tensors not made by a recorded op: the ones whose `.grad` backward fills. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** Whether gradients flow to this tensor. Settable on leaves only, as in PyTorch. */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }
  /** Marks a leaf as needing (or not needing) a gradient; throws on tensors made by an op. */
  set requiresGrad(value: boolean) {
    if (this.node) {
      throw new Error(
        `Tensor.requiresGrad: can only be set on a leaf tensor; this one was made by ${this.node.op} (use .detach() to get a leaf)`,
      );
    }
    this.#requiresGrad = value;
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad and adds
   * it into their `.grad` (gradients accumulate across calls; reset with `zeroGrad`).
   *
   * @param grad - the gradient of the final loss with respect to this tensor, same shape; may be
   *   omitted when this tensor has a single element (a scalar loss)
   * @throws {@link ShapeError} when `grad` is omitted for a tensor with several elements, or has
   *   the wrong shape
   */
  backward(grad?: Tensor): void {
    if (!this.#requiresGrad) {
      throw new Error(
        'backward: this tensor does not require grad; no input had requiresGrad: true, or it was computed inside noGrad',
      );
    }
    if (grad === undefined) {
      if (this.size !== 1) {
        throw new ShapeError(
          `backward: grad is required for a tensor with ${this.size} elements; expected a scalar () or a grad argument, got ${formatShape(this.data.shape)}`,
        );
      }
      const seed = ops.onesLike(this);
      runBackward(this, seed.data);
      return;
    }
    if (!(grad instanceof Tensor)) {
      throw new TypeError(`backward: grad must be a Tensor; got ${typeof grad}`);
    }
    if (!sameShape(grad.data.shape, this.data.shape)) {
      throw new ShapeError(
        `backward: grad has a different shape; expected ${formatShape(this.data.shape)}, got ${formatShape(grad.data.shape)}`,
      );
    }
    if (grad.dtype !== this.dtype) {
      throw new TypeError(
        `backward: dtype mismatch; the tensor is ${this.dtype} but grad is ${grad.dtype}`,
      );
    }
    runBackward(this, grad.data);
  }

  /** The elements as nested arrays (a plain number for a 0-d tensor). */
  toArray(): NestedNumbers {
    return toNested(this.data) as NestedNumbers;
  }

  /**
   * The value of a one-element tensor as a number.
   * @throws {@link ShapeError} if the tensor has more or fewer than one element
   */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(
        `item: the tensor has ${this.size} elements; expected exactly 1, got ${formatShape(this.data.shape)}`,
      );
    }
    return this.data.data[this.data.offset] as number;
  }

  /** A leaf sharing this tensor's data, cut off from the graph (no gradient flows through it). */
  detach(): Tensor {
    return new Tensor(this.data);
  }

  /** A short description: shape, dtype and whether it requires grad. */
  toString(): string {
    return `Tensor(shape=${formatShape(this.data.shape)}, dtype=${this.dtype}${this.#requiresGrad ? ', requiresGrad' : ''})`;
  }

  // Fluent API (API.md): each method is the op of the same name in ops/.

  /** {@link add}: `this + other`, broadcasting. */
  add(other: Tensor | number): Tensor {
    return ops.add(this, other);
  }
  /** {@link sub}: `this − other`, broadcasting. */
  sub(other: Tensor | number): Tensor {
    return ops.sub(this, other);
  }
  /** {@link mul}: `this · other` elementwise, broadcasting. */
  mul(other: Tensor | number): Tensor {
    return ops.mul(this, other);
  }
  /** {@link div}: `this / other`, broadcasting. */
  div(other: Tensor | number): Tensor {
    return ops.div(this, other);
  }
  /** {@link neg}: `−this`. */
  neg(): Tensor {
    return ops.neg(this);
  }
  /** {@link pow}: `this ** exponent` for a number exponent. */
  pow(exponent: number): Tensor {
    return ops.pow(this, exponent);
  }
  /** {@link exp}. */
  exp(): Tensor {
    return ops.exp(this);
  }
  /** {@link log}: the natural logarithm. */
  log(): Tensor {
    return ops.log(this);
  }
  /** {@link sqrt}. */
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  /** {@link tanh}. */
  tanh(): Tensor {
    return ops.tanh(this);
  }
  /** {@link sigmoid}. */
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  /** {@link relu}. */
  relu(): Tensor {
    return ops.relu(this);
  }
  /** {@link gelu}: exact erf form, PyTorch's default. */
  gelu(): Tensor {
    return ops.gelu(this);
  }
  /** {@link sum} over `dim` (all axes when omitted). */
  sum(dim?: Dims, keepDim = false): Tensor {
    return ops.sum(this, dim, keepDim);
  }
  /** {@link mean} over `dim` (all axes when omitted). */
  mean(dim?: Dims, keepDim = false): Tensor {
    return ops.mean(this, dim, keepDim);
  }
  /** {@link max}: the maximum values over `dim` (over everything when omitted). */
  max(dim?: number, keepDim = false): Tensor {
    return ops.max(this, dim, keepDim);
  }
  /** {@link matmul}: matrix product with broadcast batch axes. */
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  /** {@link reshape}; one size may be -1. */
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  /** {@link transpose}: swaps two axes. */
  transpose(dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  /** {@link permute}: reorders the axes. */
  permute(dims: readonly number[]): Tensor {
    return ops.permute(this, dims);
  }
  /** {@link unsqueeze}: inserts an axis of size 1. */
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  /** {@link squeeze}: removes size-1 axes (only `dim` when given). */
  squeeze(dim?: number): Tensor {
    return ops.squeeze(this, dim);
  }
  /** {@link select}: entry `index` of `dim`, dropping that axis (`x[:, t]`). */
  select(dim: number, index: number): Tensor {
    return ops.select(this, dim, index);
  }
  /** {@link narrow}: `length` entries of `dim` from `start`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return ops.narrow(this, dim, start, length);
  }
  /** {@link expand}: broadcasts to a larger shape without copying. */
  expand(shape: readonly number[]): Tensor {
    return ops.expand(this, shape);
  }
  /** {@link softmax} over `dim`. */
  softmax(dim: number): Tensor {
    return ops.softmax(this, dim);
  }
  /** {@link logSoftmax} over `dim`. */
  logSoftmax(dim: number): Tensor {
    return ops.logSoftmax(this, dim);
  }
  /** {@link maskedFill}: `value` where `mask` is true, else this. */
  maskedFill(mask: ops.MaskLike, value: number): Tensor {
    return ops.maskedFill(this, mask, value);
  }
  /** {@link cast}: the same values in another dtype (differentiable). */
  to(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
}
