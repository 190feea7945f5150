/**
 * Selection by a mask: `out = condition ? a : b`, all three broadcast together.
 * @module
 */
import { allocate, dtypeOf, type NDArray, planRows, wrap } from './ndarray.js';
import { broadcastShapes, broadcastStrides, sizeOf } from './shape.js';

/** `condition[i] !== 0 ? a[i] : b[i]` over the broadcast shape of the three arrays. */
export function where(condition: NDArray, a: NDArray, b: NDArray): NDArray {
  const shape = broadcastShapes('where', condition.shape, a.shape, b.shape);
  const out = allocate(sizeOf(shape), dtypeOf(a));
  const plan = planRows(
    shape,
    [condition, a, b].map((x) => broadcastStrides(x.shape, x.stride, shape)),
    [condition.offset, a.offset, b.offset],
  );
  const [cStarts, aStarts, bStarts] = plan.offsets as [Int32Array, Int32Array, Int32Array];
  const [cs, as, bs] = plan.steps as [number, number, number];
  const c = condition.data;
  const x = a.data;
  const y = b.data;
  for (let r = 0; r < plan.rows; r++) {
    const co = cStarts[r] as number;
    const ao = aStarts[r] as number;
    const bo = bStarts[r] as number;
    const oo = r * plan.length;
    for (let i = 0; i < plan.length; i++) {
      out[oo + i] =
        (c[co + i * cs] as number) !== 0 ? (x[ao + i * as] as number) : (y[bo + i * bs] as number);
    }
  }
  return wrap(out, shape);
}
