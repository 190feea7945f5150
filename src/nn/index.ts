/**
 * Layers, with PyTorch's state-dict names. Shape letters used in every doc comment: `B` batch,
 * `T` target/query length, `S` source/key length, `E` (or `D`) model width, `H` heads,
 * `D = E / H` head width in attention, `F` feed-forward width, `V` vocabulary size. Other sizes
 * are spelled out (`inputSize`, `hiddenSize`, `4·hiddenSize`).
 * @module
 */
export { AttentionCache } from './attention/attention-cache.js';
export {
  EncoderDecoderAttention,
  type EncoderDecoderAttentionForwardOptions,
} from './attention/encoder-decoder-attention.js';
export { type AttentionMask, causalMask, type KeyPaddingMask } from './attention/masks.js';
export {
  MultiHeadAttention,
  type MultiHeadAttentionForwardOptions,
} from './attention/multi-head-attention.js';
export type {
  AttentionModuleOptions,
  AttentionOutput,
  ProjectedAttention,
} from './attention/projected-attention.js';
export { Dropout } from './dropout.js';
export { Embedding, type EmbeddingOptions, type Ids } from './embedding.js';
export { LayerNorm, type LayerNormOptions } from './layer-norm.js';
export { LearnedPositionalEmbedding } from './learned-positional-embedding.js';
export { Linear, type LinearOptions } from './linear.js';
export {
  type LoadOptions,
  Module,
  type Parameter,
  type PlainTensor,
  type StateValue,
} from './module.js';
export { ModuleList } from './module-list.js';
export {
  PositionalEncoding,
  type PositionalEncodingOptions,
  positionalEncodingTable,
} from './positional-encoding.js';
export type { CellOptions, RecurrentCell } from './recurrent/cell-base.js';
export { GRUCell } from './recurrent/gru-cell.js';
export { LSTMCell, type LSTMCellOptions } from './recurrent/lstm-cell.js';
export {
  type LSTMOutput,
  type RecurrentForwardOptions,
  RecurrentLayer,
  type RecurrentLayerOptions,
  type RecurrentOutput,
} from './recurrent/recurrent-layer.js';
export { RNNCell, type RNNCellOptions } from './recurrent/rnn-cell.js';
export { GRU, LSTM, type LSTMOptions, RNN, type RNNOptions } from './recurrent/sequence-layers.js';
export {
  DecoderLayer,
  type DecoderLayerCache,
  type DecoderLayerForwardOptions,
  type DecoderLayerOutput,
} from './transformer/decoder-layer.js';
export { EncoderLayer, type EncoderLayerForwardOptions } from './transformer/encoder-layer.js';
export type { TransformerLayerOptions } from './transformer/feed-forward.js';
export {
  Decoder,
  type DecoderForwardOptions,
  type DecoderOutput,
  Encoder,
  type EncoderForwardOptions,
  type StackOptions,
  Transformer,
  type TransformerForwardOptions,
  type TransformerOptions,
} from './transformer/stacks.js';
