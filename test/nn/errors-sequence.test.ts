/**
 * Error messages of the sequence layers RNN, LSTM, GRU and LearnedPositionalEmbedding (the
 * per-step cells and the other layers are in errors.test.ts). Each case pins the class and the
 * whole message.
 *
 * Sizes, distinct per axis: B=2, T=7, I=3, H=5, L=2 layers; E=12, maxLen=6. Wrong sizes are
 * distinct too (4 for a wrong batch, 8 for a wrong width).
 */
import { describe, expect, it } from 'vitest';
import {
  GRU,
  LearnedPositionalEmbedding,
  LSTM,
  RNN,
  ShapeError,
  tensor,
  zeros,
} from '../../src/index.js';
import { checkErrors } from '../helpers/expect-error.js';

const notTensor = 'an array (wrap it with tensor(...))';
const x = zeros([2, 7, 3]); // (B, T, I)

describe('RNN', () => {
  const rnn = new RNN(3, 5, { numLayers: 2 });
  checkErrors([
    [
      'inputSize 0',
      () => new RNN(0, 5),
      RangeError,
      'RNN: inputSize must be a positive integer; got 0',
    ],
    [
      'hiddenSize 2.5',
      () => new RNN(3, 2.5),
      RangeError,
      'RNN: hiddenSize must be a positive integer; got 2.5',
    ],
    [
      'numLayers 0',
      () => new RNN(3, 5, { numLayers: 0 }),
      RangeError,
      'RNN: numLayers must be a positive integer; got 0',
    ],
    [
      'dropout 1.5',
      () => new RNN(3, 5, { dropout: 1.5 }),
      RangeError,
      'RNN: dropout must be a probability in [0, 1); got 1.5',
    ],
    [
      'an unknown nonlinearity names RNN, not the cell inside',
      () => new RNN(3, 5, { nonlinearity: 'sigmoid' as 'tanh' }),
      TypeError,
      "RNN: nonlinearity must be 'tanh' or 'relu'; got \"sigmoid\"",
    ],
    [
      'x as a plain array',
      () => rnn.forward([[[1, 2, 3]]] as never),
      TypeError,
      `RNN.forward: x must be a Tensor; got ${notTensor}`,
    ],
    [
      'x of rank 2',
      () => rnn.forward(zeros([2, 3])),
      ShapeError,
      'RNN.forward: x has rank 2; expected (B, T, I=3), got [2, 3]',
    ],
    [
      'x with the wrong I',
      () => rnn.forward(zeros([2, 7, 8])),
      ShapeError,
      'RNN.forward: x has I=8; expected (B, T, I=3), got [2, 7, 8]',
    ],
    [
      'h0 with one layer for a two-layer RNN',
      () => rnn.forward(x, zeros([1, 2, 5])),
      ShapeError,
      'RNN.forward: h0 has L·D=1; expected (L·D=2, B, H=5), got [1, 2, 5]',
    ],
    [
      'h0 with the wrong batch',
      () => rnn.forward(x, zeros([2, 4, 5])),
      ShapeError,
      'RNN.forward: h0 has B=4 but x has B=2; x [2, 7, 3], h0 [2, 4, 5]',
    ],
    [
      'h0 of float64 for float32 weights',
      () => rnn.forward(x, zeros([2, 2, 5], { dtype: 'float64' })),
      TypeError,
      "RNN.forward: h0 is float64 but the module's parameters are float32; convert one with .to('float32')",
    ],
    [
      'lengths with one entry for two sequences',
      () => rnn.forward(x, undefined, { lengths: [3] }),
      ShapeError,
      'RNN.forward: lengths must have one entry per sequence; expected (B=2), got [1]',
    ],
    [
      'a length of 0',
      () => rnn.forward(x, undefined, { lengths: [3, 0] }),
      RangeError,
      'RNN.forward: lengths[1] must be an integer in [1, T=7]; got 0',
    ],
    [
      'a length past T',
      () => rnn.forward(x, undefined, { lengths: [3, 8] }),
      RangeError,
      'RNN.forward: lengths[1] must be an integer in [1, T=7]; got 8',
    ],
    [
      'a fractional length',
      () => rnn.forward(x, undefined, { lengths: [2.5, 3] }),
      RangeError,
      'RNN.forward: lengths[0] must be an integer in [1, T=7]; got 2.5',
    ],
  ]);

  it('valid calls of the same objects work', () => {
    const { output, h } = rnn.forward(x, zeros([2, 2, 5]), { lengths: [7, 3] });
    expect([output.shape, h.shape]).toEqual([
      [2, 7, 5],
      [2, 2, 5],
    ]);
  });
});

describe('LSTM', () => {
  const lstm = new LSTM(3, 5, { numLayers: 2 });
  const h0 = zeros([2, 2, 5]);
  checkErrors([
    [
      'inputSize -1',
      () => new LSTM(-1, 5),
      RangeError,
      'LSTM: inputSize must be a positive integer; got -1',
    ],
    [
      'a NaN forgetBias names LSTM, not the cell inside',
      () => new LSTM(3, 5, { forgetBias: Number.NaN }),
      TypeError,
      'LSTM: forgetBias must be a finite number and needs bias: true; got NaN',
    ],
    [
      'forgetBias without biases',
      () => new LSTM(3, 5, { forgetBias: 1, bias: false }),
      TypeError,
      'LSTM: forgetBias must be a finite number and needs bias: true; got 1 with bias: false',
    ],
    [
      'state given as one tensor instead of [h0, c0]',
      () => lstm.forward(x, h0 as never),
      TypeError,
      'LSTM.forward: state must be [h0, c0], two (L·D, B, H) tensors; got Tensor',
    ],
    [
      'state with three entries',
      () => lstm.forward(x, [h0, h0, h0] as never),
      TypeError,
      'LSTM.forward: state must be [h0, c0], two (L·D, B, H) tensors; got an array of 3',
    ],
    [
      'c0 with the wrong H',
      () => lstm.forward(x, [h0, zeros([2, 2, 8])]),
      ShapeError,
      'LSTM.forward: c0 has H=8; expected (L·D=2, B, H=5), got [2, 2, 8]',
    ],
    [
      'x with the wrong I',
      () => lstm.forward(zeros([2, 7, 8])),
      ShapeError,
      'LSTM.forward: x has I=8; expected (B, T, I=3), got [2, 7, 8]',
    ],
    [
      'a length past T',
      () => lstm.forward(x, undefined, { lengths: [3, 9] }),
      RangeError,
      'LSTM.forward: lengths[1] must be an integer in [1, T=7]; got 9',
    ],
  ]);

  it('valid calls of the same objects work', () => {
    expect(lstm.forward(x, [h0, h0]).c.shape).toEqual([2, 2, 5]);
  });
});

describe('GRU', () => {
  const gru = new GRU(3, 5, { bidirectional: true });
  checkErrors([
    [
      'hiddenSize -1',
      () => new GRU(3, -1),
      RangeError,
      'GRU: hiddenSize must be a positive integer; got -1',
    ],
    [
      'dropout NaN',
      () => new GRU(3, 5, { dropout: Number.NaN }),
      RangeError,
      'GRU: dropout must be a probability in [0, 1); got NaN',
    ],
    [
      'x with the wrong I',
      () => gru.forward(zeros([2, 7, 8])),
      ShapeError,
      'GRU.forward: x has I=8; expected (B, T, I=3), got [2, 7, 8]',
    ],
    [
      'h0 with one direction for a bidirectional GRU',
      () => gru.forward(x, zeros([1, 2, 5])),
      ShapeError,
      'GRU.forward: h0 has L·D=1; expected (L·D=2, B, H=5), got [1, 2, 5]',
    ],
    [
      'h0 with the wrong batch',
      () => gru.forward(x, zeros([2, 4, 5])),
      ShapeError,
      'GRU.forward: h0 has B=4 but x has B=2; x [2, 7, 3], h0 [2, 4, 5]',
    ],
  ]);

  it('valid calls of the same objects work', () => {
    expect(gru.forward(x, zeros([2, 2, 5])).output.shape).toEqual([2, 7, 10]);
  });
});

describe('LearnedPositionalEmbedding', () => {
  const positions = new LearnedPositionalEmbedding(6, 12);
  const where = 'LearnedPositionalEmbedding.forward';
  checkErrors([
    [
      'maxLen 0',
      () => new LearnedPositionalEmbedding(0, 12),
      RangeError,
      'LearnedPositionalEmbedding: maxLen must be a positive integer; got 0',
    ],
    [
      'embeddingDim 1.5',
      () => new LearnedPositionalEmbedding(6, 1.5),
      RangeError,
      'LearnedPositionalEmbedding: embeddingDim must be a positive integer; got 1.5',
    ],
    [
      'x as a plain array',
      () => positions.forward([[[0]]] as never),
      TypeError,
      `${where}: x must be a Tensor; got ${notTensor}`,
    ],
    [
      'x of rank 2',
      () => positions.forward(zeros([3, 12])),
      ShapeError,
      `${where}: x has rank 2; expected (B, T, E=12), got [3, 12]`,
    ],
    [
      'x with the wrong E',
      () => positions.forward(zeros([2, 3, 8])),
      ShapeError,
      `${where}: x has E=8; expected (B, T, E=12), got [2, 3, 8]`,
    ],
    [
      'x longer than maxLen',
      () => positions.forward(zeros([2, 7, 12])),
      ShapeError,
      `${where}: x has T=7 but maxLen is 6; expected (B, T<=6, E=12), got [2, 7, 12]`,
    ],
    [
      'an offset that runs past maxLen',
      () => positions.forward(zeros([2, 3, 12]), { offset: 4 }),
      ShapeError,
      `${where}: positions 4..6 go past maxLen 6; expected offset + T <= 6, got offset 4 and x [2, 3, 12]`,
    ],
    [
      'a negative offset',
      () => positions.forward(zeros([2, 3, 12]), { offset: -1 }),
      RangeError,
      `${where}: offset must be a non-negative integer; got -1`,
    ],
  ]);

  it('valid calls of the same objects work', () => {
    expect(
      positions.forward(tensor(new Array(2 * 3 * 12).fill(0), { shape: [2, 3, 12] }), { offset: 3 })
        .shape,
    ).toEqual([2, 3, 12]);
  });
});
