/**
 * seqgrad: sequence-model primitives on a small reverse-mode autograd engine over `ndarray`,
 * with PyTorch's state-dict names and numbers.
 *
 * Layers: storage (`ndarray/`) → autograd (`autograd/`) → ops (`ops/`) → layers (`nn/`); each
 * folder imports only from the ones before it. Everything is a named export of the root; the
 * layers are also grouped as the `nn` namespace (`nn.LSTMCell`), as PyTorch users expect.
 * @packageDocumentation
 */

export {
  AnomalyError,
  detectAnomaly,
  isAnomalyDetectionEnabled,
  setAnomalyDetection,
} from './autograd/anomaly.js';
export { isGradEnabled, noGrad } from './autograd/grad-mode.js';
export {
  type GradcheckOptions,
  type GradcheckResult,
  type GradcheckWorst,
  gradcheck,
} from './autograd/gradcheck.js';
export {
  type Backward,
  type Dims,
  type NestedNumbers,
  type Node,
  type SliceGradient,
  Tensor,
} from './autograd/tensor.js';
export { checkShapes, type Dim, formatShape, type Shaped, ShapeError } from './errors.js';
export * from './generation/index.js';
export * from './interop/index.js';
export * from './models/index.js';
export type { DType, FloatArray, NDArray } from './ndarray/ndarray.js';
export { manualSeed, type Rng } from './ndarray/random.js';
export * from './nn/index.js';
export * as nn from './nn/index.js';
export { argmax, eq, gt, lt } from './ops/compare.js';
export {
  type AttentionOptions,
  type AttentionResult,
  scaledDotProductAttention,
} from './ops/composite/attention.js';
export { dropout } from './ops/composite/dropout.js';
export { maskedFill, sqrt } from './ops/composite/elementwise.js';
export { type MseLossOptions, mseLoss } from './ops/composite/losses.js';
export { mean } from './ops/composite/reduce.js';
export { select, squeeze, stack, transpose, unsqueeze } from './ops/composite/shape.js';
export {
  arange,
  full,
  type NestedData,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randn,
  type TensorDataOptions,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './ops/creation.js';
export type { Operand } from './ops/operands.js';
export {
  type CrossEntropyOptions,
  crossEntropy,
  type TargetLike,
} from './ops/primitive/cross-entropy.js';
export { add, div, mul, sub } from './ops/primitive/elementwise.js';
export { type IndexLike, indexSelect } from './ops/primitive/index-select.js';
export { layerNorm } from './ops/primitive/layer-norm.js';
export { linear } from './ops/primitive/linear.js';
export { matmul } from './ops/primitive/matmul.js';
export { concat, expand, narrow, permute, reshape } from './ops/primitive/movement.js';
export { max, sum } from './ops/primitive/reduce.js';
export { logSoftmax, softmax } from './ops/primitive/softmax.js';
export { cast, exp, gelu, log, neg, pow, relu, sigmoid, tanh } from './ops/primitive/unary.js';
export { type MaskLike, where } from './ops/primitive/where.js';
export * from './optim/index.js';
export * as optim from './optim/index.js';
export * from './teaching/index.js';
export * from './text/index.js';
