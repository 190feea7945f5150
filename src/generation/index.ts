/**
 * Decoding: greedy, sampling and beam search over any {@link Decodable} model.
 * @module
 */
export { type BeamSearchOptions, beamSearch, type Hypothesis } from './beam-search.js';
export type { Decodable, GenerationOptions } from './decodable.js';
export { type GreedyResult, greedyDecode } from './greedy.js';
export { type SampleOptions, sampleDecode, sampleToken } from './sampling.js';
