/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.
 * @module
 */

import type { Tensor } from '../autograd/tensor.js';
import { show } from '../errors.js';
import { allocate, type FloatArray } from '../ndarray/ndarray.js';
import {
  checkBoolean,
  checkNames,
  checkNonNegative,
  checkPresent,
  Optimizer,
  type StateLayout,
} from './optimizer.js';

/** Options of {@link SGD}; the names are PyTorch's in camelCase. */
export interface SGDOptions {
  /** The learning rate (required, as in PyTorch). */
  lr: number;
  /** Momentum factor (default 0: plain SGD, no state). */
  momentum?: number;
  /** Dampening of the gradient's share in the momentum buffer (default 0). */
  dampening?: number;
  /** Use Nesterov momentum (default false); needs `momentum > 0` and `dampening` 0. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient, `grad + weightDecay · param` (default 0). */
  weightDecay?: number;
  /** Ascend the objective instead of descending it (default false). */
  maximize?: boolean;
}

/** The hyperparameters of {@link SGD}: its options with defaults filled in. */
export type SGDHyperparameters = Required<SGDOptions>;

const NAMES = ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay', 'maximize'];

function checkOptions(where: string, prefix: string, options: unknown): SGDHyperparameters {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${where}: options must be an object with at least lr; got ${show(options)}`,
    );
  }
  const o = options as Record<string, unknown>;
  checkNames(where, prefix, o, NAMES);
  const arg = (name: string) => `${prefix}${name}`;
  if (o.lr === undefined) {
    throw new TypeError(`${where}: ${arg('lr')} is required (SGD has no default); got undefined`);
  }
  const hyper: SGDHyperparameters = {
    lr: checkNonNegative(where, arg('lr'), o.lr),
    momentum: checkNonNegative(where, arg('momentum'), o.momentum ?? 0),
    dampening: checkNonNegative(where, arg('dampening'), o.dampening ?? 0),
    nesterov: checkBoolean(where, arg('nesterov'), o.nesterov ?? false),
    weightDecay: checkNonNegative(where, arg('weightDecay'), o.weightDecay ?? 0),
    maximize: checkBoolean(where, arg('maximize'), o.maximize ?? false),
  };
  if (hyper.nesterov && (hyper.momentum <= 0 || hyper.dampening !== 0)) {
    throw new RangeError(
      `${where}: nesterov requires momentum > 0 and dampening 0; got momentum ${hyper.momentum}, dampening ${hyper.dampening}`,
    );
  }
  return hyper;
}

/**
 * Stochastic gradient descent, with PyTorch 1.13's `torch.optim.SGD` update for each parameter
 * `p` with gradient `g`:
 *
 * ```text
 * d = maximize ? −g : g
 * d = d + weightDecay · p                        (if weightDecay ≠ 0)
 * buf = d  on the first step, else  momentum · buf + (1 − dampening) · d    (if momentum ≠ 0)
 * d = nesterov ? d + momentum · buf : buf        (if momentum ≠ 0)
 * p = p − lr · d
 * ```
 *
 * State per parameter (with momentum): `momentum_buffer`, shaped like the parameter.
 *
 * @example
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * const optimizer = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * w.mul(w).sum().backward(); // the gradient 2w = [2, 4]
 * optimizer.step();
 * w.toArray(); // [0.8, 1.6]
 * optimizer.zeroGrad();
 * w.grad; // null
 * ```
 */
export class SGD extends Optimizer<SGDHyperparameters> {
  /**
   * @param params - the tensors to optimize, e.g. `module.parameters()`
   * @throws RangeError for a negative `lr`, `momentum`, `dampening` or `weightDecay`, or
   *   `nesterov` without momentum or with dampening; TypeError for a missing `lr` or bad params
   */
  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    super('SGD', params, checkOptions('SGD', '', options));
  }

  /** {@inheritDoc Optimizer.checkHyperparameters} */
  protected checkHyperparameters(
    where: string,
    group: Record<string, unknown>,
  ): SGDHyperparameters {
    checkPresent(where, group, NAMES);
    return checkOptions(where, 'paramGroups[0].', group);
  }

  /** {@inheritDoc Optimizer.stateLayout} */
  protected stateLayout({ momentum }: SGDHyperparameters): StateLayout {
    return { buffers: momentum !== 0 ? ['momentum_buffer'] : [], counters: [] };
  }

  /** {@inheritDoc Optimizer.step} */
  step(): void {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = this.hyperparameters;
    for (const { index, param, grad } of this.gradients()) {
      const p = param.data.data;
      const po = param.data.offset;
      const g = grad.data;
      const go = grad.offset;
      const n = param.size;
      let buf: FloatArray | null = null;
      let first = false;
      if (momentum !== 0) {
        let entry = this.state.get(index);
        if (!entry) {
          entry = { momentum_buffer: allocate(n, param.dtype) };
          this.state.set(index, entry);
          first = true;
        }
        buf = entry.momentum_buffer as FloatArray;
      }
      for (let i = 0; i < n; i++) {
        let d = g[go + i] as number;
        if (maximize) d = -d;
        if (weightDecay !== 0) d += weightDecay * (p[po + i] as number);
        if (buf) {
          // The first step clones d into the buffer (PyTorch), rather than decaying a zero buffer.
          buf[i] = first ? d : momentum * (buf[i] as number) + (1 - dampening) * d;
          const b = buf[i] as number;
          d = nesterov ? d + momentum * b : b;
        }
        p[po + i] = (p[po + i] as number) - lr * d;
      }
    }
  }
}
