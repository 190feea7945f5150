/**
 * Ready-made models of the three transformer types: encoder-only (classification),
 * decoder-only (language modelling) and encoder-decoder (translation).
 * @module
 */
export { type ClassifierOptions, TransformerClassifier } from './classifier.js';
export {
  type CachedDecodingState,
  type FullDecodingState,
  type LanguageModelForwardOptions,
  type LanguageModelOptions,
  type LanguageModelState,
  TransformerLanguageModel,
} from './language-model.js';
export {
  type CachedTranslationState,
  type FullTranslationState,
  type Seq2SeqForwardOptions,
  type Seq2SeqOptions,
  type Seq2SeqOutput,
  type Seq2SeqState,
  Seq2SeqTransformer,
} from './seq2seq.js';
export { embedTokens, transformerEmbedding } from './token-embedding.js';
