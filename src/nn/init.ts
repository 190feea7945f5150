/**
 * Parameter initialisation with PyTorch's distributions, drawn from the seeded generator, so the
 * same seed gives the same model.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { type DType, zerosND } from '../ndarray/ndarray.js';
import { normal, type Rng, resolveRng, uniform as uniformND } from '../ndarray/random.js';

/** Options shared by the initialisers. */
export interface InitOptions {
  /** The generator; the default one (see {@link manualSeed}) when omitted. */
  rng?: Rng | undefined;
  /** Default float32. */
  dtype?: DType;
}

/** Samples from U(−bound, bound): PyTorch's default for Linear (bound 1/√in) and the RNN cells (1/√hidden). */
export function uniform(
  shape: readonly number[],
  bound: number,
  { rng, dtype = 'float32' }: InitOptions = {},
): Tensor {
  return new Tensor(uniformND(shape, dtype, resolveRng(rng), -bound, bound));
}

/** Xavier/Glorot uniform for a 2-D weight `(out, in)`: U(±√(6 / (in + out))), as `nn.init.xavier_uniform_`. */
export function xavierUniform(shape: readonly [number, number], options: InitOptions = {}): Tensor {
  const [fanOut, fanIn] = shape;
  return uniform(shape, Math.sqrt(6 / (fanIn + fanOut)), options);
}

/** Samples from N(0, 1), PyTorch's default for Embedding. */
export function standardNormal(
  shape: readonly number[],
  { rng, dtype = 'float32' }: InitOptions = {},
): Tensor {
  return new Tensor(normal(shape, dtype, resolveRng(rng)));
}

/** A tensor of `value` (zeros for biases, ones for LayerNorm weights). */
export function constant(
  shape: readonly number[],
  value: number,
  { dtype = 'float32' }: InitOptions = {},
): Tensor {
  const out = zerosND(shape, dtype);
  out.data.fill(value);
  return new Tensor(out);
}
