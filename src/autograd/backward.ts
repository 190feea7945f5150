/**
 * Reverse-mode differentiation: an iterative topological sort (no recursion, so a 10,000-step
 * unrolled RNN cannot overflow the stack), gradient accumulation, and `sumToShape`, the one place
 * where a broadcast gradient is reduced back to its input's shape.
 * @module
 */
import { formatShape } from '../errors.js';
import { add } from '../ndarray/elementwise.js';
import { reshape, slice } from '../ndarray/movement.js';
import { addInto, copy, dtypeOf, isContiguous, type NDArray, zerosND } from '../ndarray/ndarray.js';
import { sumAxes } from '../ndarray/reduce.js';
import { sameShape } from '../ndarray/shape.js';
import { checkBackward, isAnomalyDetectionEnabled } from './anomaly.js';
import { type SliceGradient, Tensor } from './tensor.js';

/**
 * Sums `grad` over the axes that broadcasting added or stretched, so it takes `shape`.
 * @throws Error('internal: …') when `grad` could not have come from broadcasting `shape`
 */
export function sumToShape(grad: NDArray, shape: readonly number[], op: string): NDArray {
  if (sameShape(grad.shape, shape)) return grad;
  const lead = grad.shape.length - shape.length;
  if (lead < 0) {
    throw new Error(
      `internal: ${op} returned a gradient of rank ${grad.shape.length} for rank ${shape.length}`,
    );
  }
  const axes: number[] = [];
  for (let d = 0; d < grad.shape.length; d++) {
    const size = d < lead ? 1 : (shape[d - lead] as number);
    const from = grad.shape[d] as number;
    if (d < lead || (size === 1 && from !== 1)) axes.push(d);
    else if (size !== from) {
      throw new Error(
        `internal: ${op} returned a gradient of shape ${formatShape(grad.shape)} for an input of shape ${formatShape(shape)}`,
      );
    }
  }
  return reshape(sumAxes(grad, axes, true), shape);
}

/** Tensors reachable from `root` through inputs that require grad, each after all its inputs. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>([root]);
  const stack: Array<{ tensor: Tensor; next: number }> = [{ tensor: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { tensor: Tensor; next: number };
    const inputs = top.tensor.node?.inputs ?? [];
    if (top.next < inputs.length) {
      const input = inputs[top.next++] as Tensor;
      if (input.requiresGrad && !visited.has(input)) {
        visited.add(input);
        stack.push({ tensor: input, next: 0 });
      }
    } else {
      order.push(top.tensor);
      stack.pop();
    }
  }
  return order;
}

/** A pending gradient; `owned` arrays were allocated here and may be added into in place. */
interface Pending {
  array: NDArray;
  owned: boolean;
}

function accumulate(
  pending: Map<Tensor, Pending>,
  tensor: Tensor,
  grad: NDArray | SliceGradient,
): void {
  const existing = pending.get(tensor);
  if (!(grad instanceof Object && 'kind' in grad)) {
    accumulateDense(pending, tensor, grad as NDArray, existing);
    return;
  }
  // A slice's gradient goes straight into its region of one owned, full-size buffer.
  let entry = existing;
  if (!entry) {
    entry = { array: zerosND(grad.shape, dtypeOf(grad.grad)), owned: true };
  } else if (!entry.owned) {
    entry = { array: copy(entry.array), owned: true };
  }
  pending.set(tensor, entry);
  addInto(
    slice(entry.array, grad.axis, grad.start, grad.grad.shape[grad.axis] as number),
    grad.grad,
  );
}

function accumulateDense(
  pending: Map<Tensor, Pending>,
  tensor: Tensor,
  grad: NDArray,
  existing: Pending | undefined,
): void {
  if (!existing) {
    pending.set(tensor, { array: grad, owned: false });
  } else if (existing.owned) {
    addInto(existing.array, grad); // reads a strided or broadcast grad where it lies
  } else {
    pending.set(tensor, { array: add(existing.array, grad), owned: true });
  }
}

/** Adds `grad` into a leaf's `.grad`, as PyTorch accumulates across backward calls. */
function accumulateLeaf(leaf: Tensor, grad: NDArray, owned: boolean): void {
  if (leaf.grad === null) {
    leaf.grad = new Tensor(owned && isContiguous(grad) ? grad : copy(grad));
  } else {
    addInto(leaf.grad.data, grad);
  }
}

/**
 * Backpropagates `grad` (the gradient of some loss with respect to `root`) through the graph
 * and adds the result into every reachable leaf's `.grad`.
 */
export function runBackward(root: Tensor, grad: NDArray): void {
  const order = topologicalOrder(root);
  const pending = new Map<Tensor, Pending>([[root, { array: grad, owned: false }]]);
  for (let i = order.length - 1; i >= 0; i--) {
    const tensor = order[i] as Tensor;
    const entry = pending.get(tensor);
    if (!entry) continue;
    pending.delete(tensor);
    const node = tensor.node;
    if (!node) {
      accumulateLeaf(tensor, entry.array, entry.owned);
      continue;
    }
    const needs = node.inputs.map((t) => t.requiresGrad);
    const grads = node.backward(entry.array, needs);
    if (grads.length !== node.inputs.length) {
      throw new Error(
        `internal: ${node.op} returned ${grads.length} gradient${grads.length === 1 ? '' : 's'} for ${node.inputs.length} input${node.inputs.length === 1 ? '' : 's'}`,
      );
    }
    node.inputs.forEach((input, k) => {
      const g = grads[k];
      if (!input.requiresGrad || !g) return;
      const isSlice = 'kind' in g;
      const dtype = dtypeOf(isSlice ? g.grad : g);
      if (dtype !== input.dtype) {
        throw new Error(
          `internal: ${node.op} returned a ${dtype} gradient for a ${input.dtype} input`,
        );
      }
      if (isAnomalyDetectionEnabled()) checkBackward(node.op, k, isSlice ? g.grad : g, node.trace);
      accumulate(pending, input, isSlice ? g : sumToShape(g, input.data.shape, node.op));
    });
  }
}
