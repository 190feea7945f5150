import { readFileSync } from 'node:fs';
import { type DType, type Tensor, tensor } from '../../src/index.js';

/** A tensor as the fixture scripts write it: shape plus row-major data. */
export interface TensorJSON {
  shape: number[];
  data: number[];
}

/** Reads `test/fixtures/torch/<name>.json`, written by `tools/fixtures/<name>.py`. */
export function loadFixture<T = Record<string, unknown>>(name: string): T & { torch: string } {
  const url = new URL(`../fixtures/torch/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T & { torch: string };
}

/** A fixture tensor as a seqgrad Tensor (float64 unless told otherwise). */
export function fromJSON(
  t: TensorJSON,
  { dtype = 'float64', requiresGrad = false }: { dtype?: DType; requiresGrad?: boolean } = {},
): Tensor {
  return tensor(Float64Array.from(t.data), { shape: t.shape, dtype, requiresGrad });
}
