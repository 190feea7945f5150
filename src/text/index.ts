/**
 * Text utilities: vocabularies, one-hot vectors, padding and batching.
 * @module
 */
export {
  type BatchOptions,
  batches,
  type PaddedBatch,
  type PadOptions,
  padSequences,
} from './batching.js';
export { type OneHotIds, type OneHotOptions, oneHot } from './one-hot.js';
export {
  type CorpusOptions,
  type DecodeOptions,
  type EncodeOptions,
  type SpecialTokens,
  type TokenLevel,
  Vocabulary,
  type VocabularyJSON,
  type VocabularyOptions,
} from './vocabulary.js';
