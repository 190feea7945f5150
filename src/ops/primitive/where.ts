/**
 * Elementwise choice between two tensors by a mask.
 * @module
 */
import { record } from '../../autograd/record.js';
import { Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError } from '../../errors.js';
import { zerosND } from '../../ndarray/ndarray.js';
import { broadcastShapes } from '../../ndarray/shape.js';
import { where as choose } from '../../ndarray/where.js';
import { tensor } from '../creation.js';
import { binaryOperands, type Operand, scalarTensor } from '../operands.js';

/** A boolean mask: nested booleans (or 0/1 numbers), or a Tensor where non-zero means true. */
export type MaskLike = Tensor | boolean | readonly MaskLike[] | number;

/** A mask as a tensor of 0/1 (or any non-zero) values in `dtype`. */
export function toMask(where: string, mask: MaskLike, like: Tensor): Tensor {
  if (mask instanceof Tensor)
    return mask.dtype === like.dtype ? mask : tensor(mask, { dtype: like.dtype });
  try {
    return tensor(mask as never, { dtype: like.dtype });
  } catch (error) {
    throw new TypeError(
      `${where}: mask must be nested booleans or a Tensor; ${(error as Error).message}`,
    );
  }
}

/**
 * `condition ? a : b` elementwise, all three broadcast together; gradients flow to `a` where the
 * condition holds and to `b` elsewhere.
 * @throws {@link ShapeError} when the shapes do not broadcast
 */
export function where(condition: MaskLike, a: Operand, b: Operand): Tensor {
  // Two number branches take the condition's dtype (a Tensor condition) or float32.
  const bothNumbers = typeof a === 'number' && typeof b === 'number';
  const dtype = condition instanceof Tensor ? condition.dtype : 'float32';
  const [x, y] = bothNumbers
    ? [scalarTensor(a, dtype), scalarTensor(b, dtype)]
    : binaryOperands('where', a, b);
  const mask = toMask('where', condition, x);
  try {
    broadcastShapes('where', mask.data.shape, x.data.shape, y.data.shape);
  } catch {
    throw new ShapeError(
      `where: condition ${formatShape(mask.data.shape)}, a ${formatShape(x.data.shape)} and b ${formatShape(y.data.shape)} do not broadcast`,
    );
  }
  const zero = zerosND([], x.dtype);
  return record('where', [x, y], choose(mask.data, x.data, y.data), (grad, needs) => [
    needs[0] ? choose(mask.data, grad, zero) : null,
    needs[1] ? choose(mask.data, zero, grad) : null,
  ]);
}
