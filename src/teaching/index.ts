/**
 * Teaching aids: RNN diagnostics and attention heatmaps.
 * @module
 */
export {
  attentionHeatmapSvg,
  attentionHeatmapText,
  type HeatmapSvgOptions,
  type HeatmapTextOptions,
  type HeatmapWeights,
} from './heatmap.js';
export {
  type CellState,
  type GradientNormOptions,
  type GradientNorms,
  gradientNormsThroughTime,
  type SequenceTargets,
  type UnrollableCell,
  type UnrolledLosses,
  type UnrollOptions,
  unrollLosses,
} from './rnn-diagnostics.js';
