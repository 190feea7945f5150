/**
 * Optimizers, learning-rate schedules and gradient clipping, with PyTorch 1.13's update rules.
 * @module
 */
export { Adam, type AdamHyperparameters, type AdamOptions, AdamW } from './adam.js';
export { type ClipGradNormOptions, clipGradNorm } from './clip-grad-norm.js';
export {
  type BaseHyperparameters,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroupState,
  type ParamState,
  type ParamWithGrad,
  type StateLayout,
} from './optimizer.js';
export {
  LRScheduler,
  NoamLR,
  type NoamLROptions,
  type SchedulerStateDict,
  StepLR,
  type StepLROptions,
  WarmupCosineLR,
  type WarmupCosineLROptions,
} from './schedules.js';
export { SGD, type SGDHyperparameters, type SGDOptions } from './sgd.js';
