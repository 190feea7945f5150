/**
 * Elementwise functions of one tensor and their derivatives.
 * @module
 */
import { record } from '../../autograd/record.js';
import type { Tensor } from '../../autograd/tensor.js';
import * as nd from '../../ndarray/elementwise.js';
import { copy, type DType } from '../../ndarray/ndarray.js';
import { expectTensor } from '../operands.js';

/** `−x`. */
export function neg(x: Tensor): Tensor {
  expectTensor('neg', 'x', x);
  return record('neg', [x], nd.neg(x.data), (grad) => [nd.neg(grad)]);
}

/**
 * `x ** exponent` for a number exponent.
 * @throws TypeError if `exponent` is not a finite number
 */
export function pow(x: Tensor, exponent: number): Tensor {
  expectTensor('pow', 'x', x);
  if (typeof exponent !== 'number' || !Number.isFinite(exponent)) {
    throw new TypeError(`pow: exponent must be a finite number; got ${String(exponent)}`);
  }
  return record('pow', [x], nd.pow(x.data, exponent), (grad) => [
    nd.powGrad(grad, x.data, exponent),
  ]);
}

/** `eˣ`. */
export function exp(x: Tensor): Tensor {
  expectTensor('exp', 'x', x);
  const y = nd.exp(x.data);
  return record('exp', [x], y, (grad) => [nd.mul(grad, y)]); // (eˣ)' = eˣ, reused from the forward
}

/** The natural logarithm. */
export function log(x: Tensor): Tensor {
  expectTensor('log', 'x', x);
  return record('log', [x], nd.log(x.data), (grad) => [nd.div(grad, x.data)]);
}

/** The hyperbolic tangent. */
export function tanh(x: Tensor): Tensor {
  expectTensor('tanh', 'x', x);
  const y = nd.tanh(x.data);
  return record('tanh', [x], y, (grad) => [nd.tanhGrad(grad, y)]);
}

/** The logistic function `1 / (1 + e⁻ˣ)`, computed without overflow for large |x|. */
export function sigmoid(x: Tensor): Tensor {
  expectTensor('sigmoid', 'x', x);
  const y = nd.sigmoid(x.data);
  return record('sigmoid', [x], y, (grad) => [nd.sigmoidGrad(grad, y)]);
}

/** `max(x, 0)`; its gradient at 0 is 0, as in PyTorch. */
export function relu(x: Tensor): Tensor {
  expectTensor('relu', 'x', x);
  return record('relu', [x], nd.relu(x.data), (grad) => [nd.reluGrad(grad, x.data)]);
}

/**
 * The Gaussian error linear unit in its exact form `x · Φ(x)`, `Φ` the standard normal CDF
 * (PyTorch's `gelu` with `approximate='none'`). A primitive because it needs `erf`, which no
 * other op provides.
 */
export function gelu(x: Tensor): Tensor {
  expectTensor('gelu', 'x', x);
  return record('gelu', [x], nd.gelu(x.data), (grad) => [nd.geluGrad(grad, x.data)]);
}

/**
 * The same values in another dtype; the gradient is cast back. A primitive because every other
 * op refuses to mix dtypes.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor('cast', 'x', x);
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TypeError(`cast: dtype must be 'float32' or 'float64'; got ${String(dtype)}`);
  }
  const from = x.dtype;
  return record('cast', [x], copy(x.data, dtype), (grad) => [copy(grad, from)]);
}
