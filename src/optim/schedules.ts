/**
 * Learning-rate schedules in PyTorch's style: built on an optimizer, `step()` after each
 * `optimizer.step()`, the current rate in `lr`.
 * @module
 */
import { show } from '../errors.js';
import { checkNames, checkNonNegative, Optimizer } from './optimizer.js';

/** What {@link LRScheduler.stateDict} returns and {@link LRScheduler.loadStateDict} accepts. */
export interface SchedulerStateDict {
  /** How many times {@link LRScheduler.step} has run (PyTorch's `last_epoch`). */
  lastEpoch: number;
  /** The optimizer's learning rate when the scheduler was built. */
  baseLr: number;
  /** The scheduler's options (`dModel`, `warmupSteps`, …), with defaults filled in. */
  [option: string]: number;
}

function checkInteger(where: string, arg: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const what = min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
    throw new RangeError(`${where}: ${arg} must be ${what}; got ${show(value)}`);
  }
  return value;
}

function checkPositive(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${where}: ${arg} must be a positive number; got ${show(value)}`);
  }
  return value;
}

function checkRecord(where: string, arg: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where}: ${arg} must be an object; got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Base class of the schedules. Building one records the optimizer's current lr as `baseLr` and
 * sets the lr of the first step; each {@link LRScheduler.step} (call it after
 * `optimizer.step()`) advances `lastEpoch` by one and sets the optimizer's lr to the schedule's
 * value there. The lr is a function of `lastEpoch`, `baseLr` and the options only, so a
 * restored state gives the same rates.
 *
 * @example
 * ```ts
 * const optimizer = new SGD(new Linear(2, 2).parameters(), { lr: 0.1 });
 * const schedule: LRScheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
 * for (let epoch = 0; epoch < 4; epoch++) { optimizer.step(); schedule.step(); }
 * schedule.lastEpoch; // 4
 * optimizer.lr; // 0.025
 * ```
 */
export abstract class LRScheduler<O extends object = object> {
  /** The optimizer whose `lr` this schedule sets. */
  readonly optimizer: Optimizer;
  /** The class name used in error messages, e.g. `'StepLR'`. */
  protected readonly name: string;
  #options: O;
  #baseLr: number;
  #lastEpoch = 0;

  /**
   * @param name - the class name for error messages
   * @param optimizer - any seqgrad optimizer
   * @param options - already checked by the subclass
   */
  protected constructor(name: string, optimizer: Optimizer, options: O) {
    if (!(optimizer instanceof Optimizer)) {
      throw new TypeError(
        `${name}: optimizer must be an Optimizer (SGD, Adam, AdamW); got ${show(optimizer)}`,
      );
    }
    this.name = name;
    this.optimizer = optimizer;
    this.#options = options;
    this.#baseLr = optimizer.lr;
    this.optimizer.lr = this.lr;
  }

  /** The learning rate of the next optimizer step (PyTorch's `get_last_lr()`). */
  get lr(): number {
    return this.lrAt(this.#lastEpoch, this.#baseLr, this.#options);
  }
  /** How many times {@link LRScheduler.step} has run (PyTorch's `last_epoch`). */
  get lastEpoch(): number {
    return this.#lastEpoch;
  }
  /** The optimizer's learning rate when the schedule was built. */
  get baseLr(): number {
    return this.#baseLr;
  }
  /** A copy of the options, with defaults filled in. */
  get options(): Readonly<O> {
    return { ...this.#options };
  }

  /** Advances the schedule by one step and sets the optimizer's lr; call after `optimizer.step()`. */
  step(): void {
    this.#lastEpoch += 1;
    this.optimizer.lr = this.lr;
  }

  /** The learning rate after `epoch` calls of {@link LRScheduler.step}. */
  protected abstract lrAt(epoch: number, baseLr: number, options: O): number;

  /**
   * Checks options (every one present when loading, no unknown names) and fills in defaults.
   * @param where - e.g. `'StepLR'` or `'StepLR.loadStateDict'`
   * @param options - the options object, or a state dict without `lastEpoch` and `baseLr`
   * @param loading - true when reading a state dict: every option must be present
   */
  protected abstract checkOptions(where: string, options: unknown, loading: boolean): O;

  /** The position in the schedule, `baseLr` and the options, as plain JSON-serialisable numbers. */
  stateDict(): SchedulerStateDict {
    return {
      ...(this.#options as Record<string, number>),
      lastEpoch: this.#lastEpoch,
      baseLr: this.#baseLr,
    };
  }

  /**
   * Restores a state from {@link LRScheduler.stateDict} and sets the optimizer's lr to the
   * restored schedule's value (PyTorch leaves that to the optimizer's own state dict; setting it
   * here makes a schedule resume correctly on its own). A rejected state changes nothing.
   *
   * @returns this schedule, for chaining
   * @throws TypeError or RangeError naming the first missing, unknown or invalid entry
   */
  loadStateDict(stateDict: SchedulerStateDict): this {
    const where = `${this.name}.loadStateDict`;
    const { lastEpoch, baseLr, ...rest } = checkRecord(where, 'stateDict', stateDict);
    const epoch = checkInteger(where, 'lastEpoch', lastEpoch, 0);
    const base = checkNonNegative(where, 'baseLr', baseLr);
    const options = this.checkOptions(where, rest, true);
    this.#lastEpoch = epoch;
    this.#baseLr = base;
    this.#options = options;
    this.optimizer.lr = this.lr;
    return this;
  }
}

/**
 * `options` as a record with no unknown names; when `loading` a state dict, with every name
 * present (a saved state always has them all).
 */
function checkOptionNames(
  where: string,
  options: unknown,
  names: readonly string[],
  loading: boolean,
): Record<string, unknown> {
  const o = checkRecord(where, loading ? 'stateDict' : 'options', options);
  checkNames(where, '', o, names);
  const missing = loading ? names.filter((k) => !(k in o)) : [];
  if (missing.length > 0) {
    throw new TypeError(`${where}: stateDict is missing [${missing.join(', ')}]`);
  }
  return o;
}

/** Options of {@link NoamLR}. */
export interface NoamLROptions {
  /** The model width `E` (PyTorch's `d_model`). */
  dModel: number;
  /** Steps of linear warmup before the inverse-square-root decay. */
  warmupSteps: number;
  /** Scale of the whole schedule (default 1). */
  factor?: number;
}

function noamOptions(where: string, options: unknown, loading: boolean): Required<NoamLROptions> {
  const o = checkOptionNames(where, options, ['dModel', 'warmupSteps', 'factor'], loading);
  return {
    dModel: checkInteger(where, 'dModel', o.dModel, 1),
    warmupSteps: checkInteger(where, 'warmupSteps', o.warmupSteps, 1),
    factor: checkPositive(where, 'factor', o.factor ?? 1),
  };
}

/**
 * The transformer schedule of Vaswani et al. (2017), "Noam": linear warmup, then decay with the
 * inverse square root of the step,
 * `lr = factor · dModel^−0.5 · min(s^−0.5, s · warmupSteps^−1.5)`,
 * peaking at `s = warmupSteps`. It replaces the optimizer's lr (`factor` is the scale; the
 * optimizer's own lr is ignored, as when the Annotated Transformer builds Adam with lr 1).
 *
 * Step convention: `s` counts optimizer steps from 1, so the first step has `s = 1` and a
 * non-zero lr; `s = lastEpoch + 1`. This equals `torch.optim.lr_scheduler.LambdaLR` on an
 * optimizer with lr 1 and `lambda e: factor * dModel**-0.5 * min((e+1)**-0.5, (e+1) *
 * warmup**-1.5)`. (The Annotated Transformer maps step 0 to 1 instead, so its first two rates
 * are equal.)
 *
 * @example
 * ```ts
 * const optimizer = new Adam(new Linear(4, 4).parameters());
 * const schedule = new NoamLR(optimizer, { dModel: 16, warmupSteps: 4 });
 * schedule.lr; // 0.03125
 * optimizer.step();
 * schedule.step();
 * optimizer.lr; // 0.0625
 * ```
 */
export class NoamLR extends LRScheduler<Required<NoamLROptions>> {
  /** @throws RangeError unless `dModel` and `warmupSteps` are positive integers and `factor` > 0 */
  constructor(optimizer: Optimizer, options: NoamLROptions) {
    super('NoamLR', optimizer, noamOptions('NoamLR', options, false));
  }

  /** {@inheritDoc LRScheduler.checkOptions} */
  protected checkOptions(
    where: string,
    options: unknown,
    loading: boolean,
  ): Required<NoamLROptions> {
    return noamOptions(where, options, loading);
  }

  /** {@inheritDoc LRScheduler.lrAt} */
  protected lrAt(epoch: number, _baseLr: number, o: Required<NoamLROptions>): number {
    const s = epoch + 1;
    return o.factor * o.dModel ** -0.5 * Math.min(s ** -0.5, s * o.warmupSteps ** -1.5);
  }
}

/** Options of {@link WarmupCosineLR}. */
export interface WarmupCosineLROptions {
  /** Steps of linear warmup (0 for none). */
  warmupSteps: number;
  /** The step at which the lr reaches `minLr`; later steps stay there. */
  totalSteps: number;
  /** The final learning rate (default 0). */
  minLr?: number;
}

function warmupCosineOptions(
  where: string,
  options: unknown,
  loading: boolean,
): Required<WarmupCosineLROptions> {
  const o = checkOptionNames(where, options, ['warmupSteps', 'totalSteps', 'minLr'], loading);
  const warmupSteps = checkInteger(where, 'warmupSteps', o.warmupSteps, 0);
  return {
    warmupSteps,
    totalSteps: checkInteger(where, 'totalSteps', o.totalSteps, warmupSteps + 1),
    minLr: checkNonNegative(where, 'minLr', o.minLr ?? 0),
  };
}

/**
 * Linear warmup from 0 to the optimizer's lr (`baseLr`), then a cosine decay to `minLr`:
 *
 * ```text
 * s ≤ warmupSteps:  lr = baseLr · s / warmupSteps
 * otherwise:        lr = minLr + (baseLr − minLr) · ½ · (1 + cos(π · min(1, (s − warmupSteps) / (totalSteps − warmupSteps))))
 * ```
 *
 * Step convention as {@link NoamLR}: `s = lastEpoch + 1` counts optimizer steps from 1, so the
 * first step has lr `baseLr / warmupSteps` (not 0), step `warmupSteps` has `baseLr`, and step
 * `totalSteps` has `minLr`. (Hugging Face's `get_cosine_schedule_with_warmup` counts from 0 and
 * spends its first step at lr 0.)
 *
 * @example
 * ```ts
 * const optimizer = new AdamW(new Linear(4, 4).parameters(), { lr: 0.3 });
 * const schedule = new WarmupCosineLR(optimizer, { warmupSteps: 3, totalSteps: 5 });
 * const rates = [];
 * for (let i = 0; i < 6; i++) { rates.push(schedule.lr); optimizer.step(); schedule.step(); }
 * rates; // [0.1, 0.2, 0.3, 0.15, 0, 0]
 * ```
 */
export class WarmupCosineLR extends LRScheduler<Required<WarmupCosineLROptions>> {
  /** @throws RangeError unless `0 ≤ warmupSteps < totalSteps` are integers and `minLr` ≥ 0 */
  constructor(optimizer: Optimizer, options: WarmupCosineLROptions) {
    super('WarmupCosineLR', optimizer, warmupCosineOptions('WarmupCosineLR', options, false));
  }

  /** {@inheritDoc LRScheduler.checkOptions} */
  protected checkOptions(
    where: string,
    options: unknown,
    loading: boolean,
  ): Required<WarmupCosineLROptions> {
    return warmupCosineOptions(where, options, loading);
  }

  /** {@inheritDoc LRScheduler.lrAt} */
  protected lrAt(epoch: number, baseLr: number, o: Required<WarmupCosineLROptions>): number {
    const s = epoch + 1;
    if (s <= o.warmupSteps) return (baseLr * s) / o.warmupSteps;
    const progress = Math.min(1, (s - o.warmupSteps) / (o.totalSteps - o.warmupSteps));
    return o.minLr + (baseLr - o.minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Steps between decays. */
  stepSize: number;
  /** Factor applied at each decay (default 0.1). */
  gamma?: number;
}

function stepOptions(where: string, options: unknown, loading: boolean): Required<StepLROptions> {
  const o = checkOptionNames(where, options, ['stepSize', 'gamma'], loading);
  return {
    stepSize: checkInteger(where, 'stepSize', o.stepSize, 1),
    gamma: checkNonNegative(where, 'gamma', o.gamma ?? 0.1),
  };
}

/**
 * Multiplies the lr by `gamma` every `stepSize` steps, as `torch.optim.lr_scheduler.StepLR`:
 * `lr = baseLr · gamma^⌊lastEpoch / stepSize⌋`. The power is taken by repeated multiplication,
 * as PyTorch's chained update does, so the rates are PyTorch's to the last bit.
 *
 * @example
 * ```ts
 * const optimizer = new SGD(new Linear(2, 2).parameters(), { lr: 1 });
 * const schedule = new StepLR(optimizer, { stepSize: 2 });
 * const rates = [];
 * for (let i = 0; i < 5; i++) { rates.push(schedule.lr); optimizer.step(); schedule.step(); }
 * rates; // [1, 1, 0.1, 0.1, 0.01]
 * ```
 */
export class StepLR extends LRScheduler<Required<StepLROptions>> {
  /** @throws RangeError unless `stepSize` is a positive integer and `gamma` ≥ 0 */
  constructor(optimizer: Optimizer, options: StepLROptions) {
    super('StepLR', optimizer, stepOptions('StepLR', options, false));
  }

  /** {@inheritDoc LRScheduler.checkOptions} */
  protected checkOptions(
    where: string,
    options: unknown,
    loading: boolean,
  ): Required<StepLROptions> {
    return stepOptions(where, options, loading);
  }

  /** {@inheritDoc LRScheduler.lrAt} */
  protected lrAt(epoch: number, baseLr: number, o: Required<StepLROptions>): number {
    let lr = baseLr;
    for (let k = Math.floor(epoch / o.stepSize); k > 0; k--) lr *= o.gamma;
    return lr;
  }
}
