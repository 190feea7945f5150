/** The workloads in seqgrad. */
import {
  Adam,
  EncoderLayer,
  greedyDecode,
  MultiHeadAttention,
  manualSeed,
  matmul,
  RNN,
  RNNCell,
  randn,
  type Tensor,
  TransformerLanguageModel,
} from 'seqgrad';
import { type Library, W2, W3, W4, W5 } from './workloads.js';

manualSeed(0);

export const seqgrad: Library & {
  rnnLayer(): () => unknown;
  decode(cache: boolean): () => unknown;
} = {
  name: 'seqgrad',
  matmul(n) {
    const a = randn([n, n]);
    const b = randn([n, n]);
    return () => matmul(a, b);
  },
  attention() {
    const { batch, seq, embed, heads } = W2;
    const attention = new MultiHeadAttention(embed, heads);
    const x = randn([batch, seq, embed], { requiresGrad: true });
    return () => {
      attention.zeroGrad();
      x.grad = null;
      attention.forward(x, x, x, { needWeights: false }).output.sum().backward();
    };
  },
  encoderStep() {
    const { batch, seq, embed, heads, feedforward } = W3;
    const layer = new EncoderLayer(embed, heads, { dimFeedforward: feedforward, dropout: 0 });
    const optimizer = new Adam(layer.parameters(), { lr: 1e-3 });
    const x = randn([batch, seq, embed]);
    return () => {
      optimizer.zeroGrad();
      layer.forward(x).pow(2).mean().backward();
      optimizer.step();
    };
  },
  rnn() {
    const { input, hidden, batch, steps } = W4;
    const cell = new RNNCell(input, hidden);
    const xs = Array.from({ length: steps }, () => randn([batch, input]));
    return () => {
      cell.zeroGrad();
      let h: Tensor | undefined;
      let loss: Tensor | null = null;
      for (const x of xs) {
        h = cell.forward(x, h);
        loss = loss ? loss.add(h.sum()) : h.sum();
      }
      loss?.backward();
    };
  },
  /** W4 through the whole-sequence RNN layer (its natural home): one input projection for all steps. */
  rnnLayer() {
    const { input, hidden, batch, steps } = W4;
    const rnn = new RNN(input, hidden);
    const x = randn([batch, steps, input]);
    return () => {
      rnn.zeroGrad();
      rnn.forward(x).output.sum().backward();
    };
  },
  decode(cache) {
    const { embed, heads, layers, feedforward, vocab, tokens } = W5;
    const model = new TransformerLanguageModel(vocab, {
      dModel: embed,
      nHead: heads,
      numLayers: layers,
      dimFeedforward: feedforward,
      maxLen: 128,
    }).eval();
    return () => greedyDecode(model.decoder({ cache }), { prompt: [1], maxNewTokens: tokens });
  },
};
