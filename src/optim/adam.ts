/**
 * Adam (Kingma & Ba, 2015) and AdamW (Loshchilov & Hutter, 2019), with PyTorch 1.13's updates.
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
  type ParamState,
  type ParamWithGrad,
  type StateLayout,
} from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW}; the names are PyTorch's in camelCase. */
export interface AdamOptions {
  /** The learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment averages, each in [0, 1) (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /**
   * Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay, the parameter is
   * multiplied by `1 − lr · weightDecay` before each update (default 0.01).
   */
  weightDecay?: number;
  /** Use the maximum of past second-moment averages (AMSGrad, Reddi et al. 2018; default false). */
  amsgrad?: boolean;
}

/** The hyperparameters of {@link Adam} and {@link AdamW}: their options with defaults filled in. */
export type AdamHyperparameters = Required<AdamOptions>;

const NAMES = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'];

function checkOptions(
  where: string,
  prefix: string,
  options: unknown,
  defaultDecay: number,
): AdamHyperparameters {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object; got ${show(options)}`);
  }
  const o = options as Record<string, unknown>;
  checkNames(where, prefix, o, NAMES);
  const betas = o.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new TypeError(
      `${where}: ${prefix}betas must be two numbers in [0, 1); got ${show(betas)}`,
    );
  }
  betas.forEach((beta: unknown, i) => {
    if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) {
      throw new RangeError(
        `${where}: ${prefix}betas[${i}] must be a number in [0, 1); got ${show(beta)}`,
      );
    }
  });
  return {
    lr: checkNonNegative(where, `${prefix}lr`, o.lr ?? 1e-3),
    betas: Object.freeze([betas[0], betas[1]]) as readonly [number, number],
    eps: checkNonNegative(where, `${prefix}eps`, o.eps ?? 1e-8),
    weightDecay: checkNonNegative(where, `${prefix}weightDecay`, o.weightDecay ?? defaultDecay),
    amsgrad: checkBoolean(where, `${prefix}amsgrad`, o.amsgrad ?? false),
  };
}

function layout({ amsgrad }: AdamHyperparameters): StateLayout {
  return {
    buffers: amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'],
    counters: ['step'],
  };
}

/**
 * One Adam or AdamW step over the parameters that have a gradient. `decoupled` selects AdamW's
 * weight decay (shrink the parameter) over Adam's (add `weightDecay · p` to the gradient).
 */
function adamStep(
  hyperparameters: AdamHyperparameters,
  gradients: readonly ParamWithGrad[],
  state: Map<number, ParamState>,
  decoupled: boolean,
): void {
  const { lr, betas, eps, weightDecay, amsgrad } = hyperparameters;
  const [beta1, beta2] = betas;
  for (const { index, param, grad } of gradients) {
    const n = param.size;
    let entry = state.get(index);
    if (!entry) {
      entry = { step: 0, exp_avg: allocate(n, param.dtype), exp_avg_sq: allocate(n, param.dtype) };
      if (amsgrad) entry.max_exp_avg_sq = allocate(n, param.dtype);
      state.set(index, entry);
    }
    const step = (entry.step as number) + 1;
    entry.step = step;
    const m = entry.exp_avg as FloatArray;
    const v = entry.exp_avg_sq as FloatArray;
    const vMax = amsgrad ? (entry.max_exp_avg_sq as FloatArray) : null;
    const stepSize = lr / (1 - beta1 ** step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    const shrink = 1 - lr * weightDecay;
    const p = param.data.data;
    const po = param.data.offset;
    const g = grad.data;
    const go = grad.offset;
    for (let i = 0; i < n; i++) {
      let gi = g[go + i] as number;
      if (decoupled) p[po + i] = (p[po + i] as number) * shrink;
      else if (weightDecay !== 0) gi += weightDecay * (p[po + i] as number);
      m[i] = (m[i] as number) * beta1 + (1 - beta1) * gi;
      v[i] = (v[i] as number) * beta2 + (1 - beta2) * gi * gi;
      let second = v[i] as number;
      if (vMax) {
        vMax[i] = Math.max(vMax[i] as number, second);
        second = vMax[i] as number;
      }
      const denom = Math.sqrt(second) / bc2Sqrt + eps;
      // PyTorch's addcdiv_: p + (−stepSize · m) / denom, in that order.
      p[po + i] = (p[po + i] as number) + (-stepSize * (m[i] as number)) / denom;
    }
  }
}

/**
 * Adam, with PyTorch 1.13's `torch.optim.Adam` update for each parameter `p` with gradient `g`
 * at its step `t` (counted per parameter from 1):
 *
 * ```text
 * g = g + weightDecay · p                      (if weightDecay ≠ 0)
 * m = β₁ · m + (1 − β₁) · g
 * v = β₂ · v + (1 − β₂) · g²
 * v̂ = amsgrad ? (vMax = max(vMax, v)) : v
 * p = p − lr / (1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + eps)
 * ```
 *
 * State per parameter: `step`, `exp_avg` (m), `exp_avg_sq` (v) and, with AMSGrad,
 * `max_exp_avg_sq`.
 *
 * @example
 * ```ts
 * const model = new Linear(3, 2);
 * const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
 * optimizer.hyperparameters.betas; // [0.9, 0.999]
 * const w = tensor([1, -1], { requiresGrad: true });
 * const adam = new Adam([w], { lr: 0.1 });
 * w.mul(w).sum().backward();
 * adam.step();                  // the first step moves each weight by lr against its gradient's sign
 * w.toArray(); // [0.9, -0.9]
 * ```
 */
export class Adam extends Optimizer<AdamHyperparameters> {
  /**
   * @param params - the tensors to optimize, e.g. `module.parameters()`
   * @throws RangeError for a negative `lr`, `eps` or `weightDecay`, or betas outside [0, 1);
   *   TypeError for bad params
   */
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('Adam', params, checkOptions('Adam', '', options, 0));
  }

  /** {@inheritDoc Optimizer.checkHyperparameters} */
  protected checkHyperparameters(
    where: string,
    group: Record<string, unknown>,
  ): AdamHyperparameters {
    checkPresent(where, group, NAMES);
    return checkOptions(where, 'paramGroups[0].', group, 0);
  }

  /** {@inheritDoc Optimizer.stateLayout} */
  protected stateLayout(hyperparameters: AdamHyperparameters): StateLayout {
    return layout(hyperparameters);
  }

  /** {@inheritDoc Optimizer.step} */
  step(): void {
    adamStep(this.hyperparameters, this.gradients(), this.state, false);
  }
}

/**
 * AdamW: Adam with decoupled weight decay, as PyTorch 1.13's `torch.optim.AdamW`. Each step first
 * shrinks the parameter, `p = p · (1 − lr · weightDecay)`, then applies {@link Adam}'s update
 * without adding the decay to the gradient. `weightDecay` defaults to 0.01. Same state as Adam.
 *
 * @example
 * ```ts
 * const optimizer = new AdamW(new Linear(3, 2).parameters(), { lr: 1e-3 });
 * optimizer.hyperparameters.weightDecay; // 0.01
 * const w = tensor([2], { requiresGrad: true });
 * const adamw = new AdamW([w], { lr: 0.1, weightDecay: 0.5 });
 * w.sum().backward();
 * adamw.step();                 // now w = 2 · (1 − 0.1 · 0.5) − 0.1
 * w.item(); // 1.8
 * ```
 */
export class AdamW extends Optimizer<AdamHyperparameters> {
  /**
   * @param params - the tensors to optimize, e.g. `module.parameters()`
   * @throws RangeError for a negative `lr`, `eps` or `weightDecay`, or betas outside [0, 1);
   *   TypeError for bad params
   */
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('AdamW', params, checkOptions('AdamW', '', options, 0.01));
  }

  /** {@inheritDoc Optimizer.checkHyperparameters} */
  protected checkHyperparameters(
    where: string,
    group: Record<string, unknown>,
  ): AdamHyperparameters {
    checkPresent(where, group, NAMES);
    return checkOptions(where, 'paramGroups[0].', group, 0.01);
  }

  /** {@inheritDoc Optimizer.stateLayout} */
  protected stateLayout(hyperparameters: AdamHyperparameters): StateLayout {
    return layout(hyperparameters);
  }

  /** {@inheritDoc Optimizer.step} */
  step(): void {
    adamStep(this.hyperparameters, this.gradients(), this.state, true);
  }
}
