/**
 * The benchmark workloads, defined once (docs/performance.md states them):
 * W1 matmul n³; W2 multi-head self-attention forward + backward; W3 one post-LN encoder layer
 * train step with Adam; W4 tanh RNN backpropagation through time; W5 greedy decoding.
 */
export const W2 = { batch: 8, seq: 64, embed: 128, heads: 4 };
export const W3 = { batch: 8, seq: 64, embed: 128, heads: 4, feedforward: 512 };
export const W4 = { input: 64, hidden: 128, batch: 16, steps: 64 };
export const W5 = { embed: 128, heads: 4, layers: 2, feedforward: 512, vocab: 64, tokens: 64 };
export const MATMUL_SIZES = [128, 256, 512];

/** One library's implementation of the workloads: each returns a function that runs one repetition. */
export interface Library {
  name: string;
  matmul(n: number): () => unknown;
  attention(): () => unknown;
  encoderStep(): () => unknown;
  rnn(): () => unknown;
}
