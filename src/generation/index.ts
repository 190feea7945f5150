/**
 * Decoding: greedy, sampling and beam search over any {@link Decodable} model.
 * @module
 */
export { type BeamSearchOptions, beamSearch, type Hypothesis } from './beam-search.js';
export type { Decodable, GenerationOptions, StepResult } from './decodable.js';
export { type GreedyResult, greedyDecode } from './greedy.js';
export { type SampleOptions, type SampleResult, sampleDecode, sampleToken } from './sampling.js';
