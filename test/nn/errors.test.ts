/**
 * Bad input to every exported layer gets an error naming the call, the argument, what was
 * expected and what arrived (STYLE §2.6). Each case pins the error class and the whole message.
 *
 * Sizes, distinct per axis: B=2, T=3, S=5, E=D=12, H=3, F=7, V=11, inputSize=3, hiddenSize=5.
 * The wrong sizes are distinct too (4 for a wrong batch, 8 for a wrong width).
 *
 * A few cases assert what a user should see where the library currently says something else (an
 * internal call's name, an argument the user never passed); those use a RegExp where the exact
 * wording of a message that does not exist yet is open.
 */
import { describe, expect, it } from 'vitest';
import {
  causalMask,
  Decoder,
  DecoderLayer,
  Dropout,
  Embedding,
  Encoder,
  EncoderDecoderAttention,
  EncoderLayer,
  GRUCell,
  LayerNorm,
  Linear,
  LSTMCell,
  MultiHeadAttention,
  PositionalEncoding,
  positionalEncodingTable,
  RNNCell,
  ShapeError,
  type Tensor,
  Transformer,
  tensor,
  zeros,
} from '../../src/index.js';
import { type ErrorCase as Case, checkErrors as check } from '../helpers/expect-error.js';

const f64 = { dtype: 'float64' } as const;
const notTensor = 'an array (wrap it with tensor(...))';
const f32Params = "but the module's parameters are float32; convert one with .to('float32')";
const layerOptions = { dimFeedforward: 7, dropout: 0 };

describe('Linear', () => {
  const layer = new Linear(3, 5);
  check([
    [
      'inFeatures not an integer',
      () => new Linear(2.5, 5),
      RangeError,
      'Linear: inFeatures must be a positive integer; got 2.5',
    ],
    [
      'inFeatures zero',
      () => new Linear(0, 5),
      RangeError,
      'Linear: inFeatures must be a positive integer; got 0',
    ],
    [
      'outFeatures negative',
      () => new Linear(3, -5),
      RangeError,
      'Linear: outFeatures must be a positive integer; got -5',
    ],
    [
      'outFeatures NaN',
      () => new Linear(3, Number.NaN),
      RangeError,
      'Linear: outFeatures must be a positive integer; got NaN',
    ],
    [
      'x of rank 0',
      () => layer.forward(zeros([])),
      ShapeError,
      'Linear.forward: x has rank 0; expected (..., inFeatures=3), got []',
    ],
    [
      'x with the wrong last axis',
      () => layer.forward(zeros([2, 4])),
      ShapeError,
      'Linear.forward: x has inFeatures=4; expected (..., inFeatures=3), got [2, 4]',
    ],
    [
      'x with the output size as last axis',
      () => layer.forward(zeros([2, 7, 5])),
      ShapeError,
      'Linear.forward: x has inFeatures=5; expected (..., inFeatures=3), got [2, 7, 5]',
    ],
    [
      'x not a Tensor',
      () => layer.forward([[1, 2, 3]] as never),
      TypeError,
      `Linear.forward: x must be a Tensor; got ${notTensor}`,
    ],
    [
      'x undefined',
      () => layer.forward(undefined as never),
      TypeError,
      'Linear.forward: x must be a Tensor; got undefined',
    ],
    [
      'x of another dtype',
      () => layer.forward(zeros([2, 3], f64)),
      TypeError,
      `Linear.forward: x is float64 ${f32Params}`,
    ],
  ]);
});

describe('LayerNorm', () => {
  check([
    [
      'normalizedShape zero',
      () => new LayerNorm(0),
      RangeError,
      'LayerNorm: normalizedShape[0] must be a positive integer; got 0',
    ],
    [
      'normalizedShape entry not an integer',
      () => new LayerNorm([3, 2.5]),
      RangeError,
      'LayerNorm: normalizedShape[1] must be a positive integer; got 2.5',
    ],
    [
      'normalizedShape negative',
      () => new LayerNorm(-12),
      RangeError,
      'LayerNorm: normalizedShape[0] must be a positive integer; got -12',
    ],
    [
      'eps negative',
      () => new LayerNorm(12, { eps: -1 }),
      RangeError,
      'LayerNorm: eps must be >= 0; got -1',
    ],
    [
      'x with the wrong last axis',
      () => new LayerNorm(12).forward(zeros([2, 3, 5])),
      ShapeError,
      'LayerNorm.forward: x does not end in normalizedShape; expected (..., 12), got [2, 3, 5]',
    ],
    [
      'x of lower rank than normalizedShape',
      () => new LayerNorm([3, 4]).forward(zeros([4])),
      ShapeError,
      'LayerNorm.forward: x does not end in normalizedShape; expected (..., 3, 4), got [4]',
    ],
    [
      'x with the trailing axes swapped',
      () => new LayerNorm([3, 4]).forward(zeros([2, 4, 3])),
      ShapeError,
      'LayerNorm.forward: x does not end in normalizedShape; expected (..., 3, 4), got [2, 4, 3]',
    ],
    [
      'x not a Tensor',
      () => new LayerNorm(12).forward([1, 2] as never),
      TypeError,
      `LayerNorm.forward: x must be a Tensor; got ${notTensor}`,
    ],
    [
      'x of another dtype',
      () => new LayerNorm(12).forward(zeros([2, 12], f64)),
      TypeError,
      `LayerNorm.forward: x is float64 ${f32Params}`,
    ],
  ]);
});

describe('Dropout', () => {
  check([
    [
      'p above 1',
      () => new Dropout(1.5),
      RangeError,
      'Dropout: p must be a probability in [0, 1]; got 1.5',
    ],
    [
      'p negative',
      () => new Dropout(-0.1),
      RangeError,
      'Dropout: p must be a probability in [0, 1]; got -0.1',
    ],
    [
      'p NaN',
      () => new Dropout(Number.NaN),
      RangeError,
      'Dropout: p must be a probability in [0, 1]; got NaN',
    ],
    // The user called Dropout.forward; the message names the functional op it delegates to.
    [
      'x not a Tensor names Dropout.forward',
      () => new Dropout(0.5).forward([1, 2] as never),
      TypeError,
      `Dropout.forward: x must be a Tensor; got ${notTensor}`,
    ],
    [
      'x not a Tensor in eval mode names Dropout.forward',
      () => new Dropout(0.5).eval().forward(null as never),
      TypeError,
      'Dropout.forward: x must be a Tensor; got null',
    ],
  ]);
});

describe('Embedding', () => {
  const embed = new Embedding(11, 6);
  check([
    [
      'numEmbeddings zero',
      () => new Embedding(0, 6),
      RangeError,
      'Embedding: numEmbeddings must be a positive integer; got 0',
    ],
    [
      'embeddingDim not an integer',
      () => new Embedding(11, 2.5),
      RangeError,
      'Embedding: embeddingDim must be a positive integer; got 2.5',
    ],
    [
      'embeddingDim negative',
      () => new Embedding(11, -6),
      RangeError,
      'Embedding: embeddingDim must be a positive integer; got -6',
    ],
    [
      'paddingIdx too large',
      () => new Embedding(11, 6, { paddingIdx: 11 }),
      RangeError,
      'Embedding: paddingIdx must be an integer in [-11, 10]; got 11',
    ],
    [
      'paddingIdx too negative',
      () => new Embedding(11, 6, { paddingIdx: -12 }),
      RangeError,
      'Embedding: paddingIdx must be an integer in [-11, 10]; got -12',
    ],
    [
      'paddingIdx not an integer',
      () => new Embedding(11, 6, { paddingIdx: 1.5 }),
      RangeError,
      'Embedding: paddingIdx must be an integer in [-11, 10]; got 1.5',
    ],
    [
      'id out of range, named by its nested index',
      () =>
        embed.forward([
          [1, 2, 3],
          [4, 5, 11],
        ]),
      RangeError,
      'Embedding.forward: ids[1][2] is out of range; expected an integer in [0, 11), got 11',
    ],
    [
      'negative id',
      () =>
        embed.forward([
          [1, 2, 3],
          [4, -1, 5],
        ]),
      RangeError,
      'Embedding.forward: ids[1][1] is out of range; expected an integer in [0, 11), got -1',
    ],
    [
      'non-integer id',
      () =>
        embed.forward([
          [1, 2.5, 3],
          [4, 5, 6],
        ]),
      RangeError,
      'Embedding.forward: ids[0][1] is not an integer; expected an integer in [0, 11), got 2.5',
    ],
    [
      'NaN id',
      () =>
        embed.forward([
          [1, 2, 3],
          [4, 5, Number.NaN],
        ]),
      RangeError,
      'Embedding.forward: ids[1][2] is not an integer; expected an integer in [0, 11), got NaN',
    ],
    [
      'Infinity id',
      () => embed.forward([0, Number.POSITIVE_INFINITY]),
      RangeError,
      'Embedding.forward: ids[1] is not an integer; expected an integer in [0, 11), got Infinity',
    ],
    [
      'id out of range in a Tensor of ids',
      () =>
        embed.forward(
          tensor([
            [1, 2, 3],
            [12, 5, 6],
          ]),
        ),
      RangeError,
      'Embedding.forward: ids[1][0] is out of range; expected an integer in [0, 11), got 12',
    ],
    [
      'id out of range in rank-3 ids',
      () => embed.forward([[[0, 1]], [[2, 3]], [[4, 99]]]),
      RangeError,
      'Embedding.forward: ids[2][0][1] is out of range; expected an integer in [0, 11), got 99',
    ],
    // The next ones surface the internal `tensor` factory's message about its `data` argument.
    [
      'ragged ids name ids, not the internal tensor(data)',
      () =>
        embed.forward([
          [1, 2, 3],
          [4, 5],
        ] as never),
      ShapeError,
      'Embedding.forward: ids is ragged at ids[1]; expected length 3, got length 2',
    ],
    [
      'a string id is named by its nested index',
      () => embed.forward([[1, 'a', 3]] as never),
      null,
      /^Embedding\.forward: ids\[0\]\[1\] is not an integer; expected an integer in \[0, 11\), got /,
    ],
    [
      'null ids',
      () => embed.forward(null as never),
      TypeError,
      'Embedding.forward: ids must be integers in nested arrays or a Tensor; got null',
    ],
    // tensor() stores booleans as 1 and 0, so [[true, false]] silently looks up rows 1 and 0.
    [
      'boolean ids are not integers',
      () => embed.forward([[true, false]] as never),
      null,
      /^Embedding\.forward: ids\[0\]\[0\] /,
    ],
  ]);
});

describe('PositionalEncoding, positionalEncodingTable, causalMask', () => {
  const encode = new PositionalEncoding(16, { maxLen: 5 });
  check([
    [
      'dModel zero',
      () => new PositionalEncoding(0),
      RangeError,
      'PositionalEncoding: dModel must be a positive integer; got 0',
    ],
    [
      'maxLen not an integer',
      () => new PositionalEncoding(16, { maxLen: 2.5 }),
      RangeError,
      'PositionalEncoding: maxLen must be a positive integer; got 2.5',
    ],
    [
      'maxLen negative',
      () => new PositionalEncoding(16, { maxLen: -5 }),
      RangeError,
      'PositionalEncoding: maxLen must be a positive integer; got -5',
    ],
    [
      'dropout 1',
      () => new PositionalEncoding(16, { dropout: 1 }),
      RangeError,
      'PositionalEncoding: dropout must be a probability in [0, 1); got 1',
    ],
    [
      'dropout negative',
      () => new PositionalEncoding(16, { dropout: -0.1 }),
      RangeError,
      'PositionalEncoding: dropout must be a probability in [0, 1); got -0.1',
    ],
    [
      'T greater than maxLen',
      () => encode.forward(zeros([2, 7, 16])),
      ShapeError,
      'PositionalEncoding.forward: x has T=7 but maxLen is 5; expected (B, T<=5, D=16), got [2, 7, 16]',
    ],
    [
      'x with the wrong D',
      () => encode.forward(zeros([2, 3, 8])),
      ShapeError,
      'PositionalEncoding.forward: x has D=8; expected (B, T, D=16), got [2, 3, 8]',
    ],
    [
      'x of rank 2',
      () => encode.forward(zeros([3, 16])),
      ShapeError,
      'PositionalEncoding.forward: x has rank 2; expected (B, T, D=16), got [3, 16]',
    ],
    [
      'x not a Tensor',
      () => encode.forward([[1]] as never),
      TypeError,
      `PositionalEncoding.forward: x must be a Tensor; got ${notTensor}`,
    ],
    [
      'table maxLen zero',
      () => positionalEncodingTable(0, 4),
      RangeError,
      'positionalEncodingTable: maxLen must be a positive integer; got 0',
    ],
    [
      'table dModel not an integer',
      () => positionalEncodingTable(5, 2.5),
      RangeError,
      'positionalEncodingTable: dModel must be a positive integer; got 2.5',
    ],
    [
      'table dModel negative',
      () => positionalEncodingTable(5, -4),
      RangeError,
      'positionalEncodingTable: dModel must be a positive integer; got -4',
    ],
    [
      'causalMask zero',
      () => causalMask(0),
      RangeError,
      'causalMask: size must be a positive integer; got 0',
    ],
    [
      'causalMask not an integer',
      () => causalMask(2.5),
      RangeError,
      'causalMask: size must be a positive integer; got 2.5',
    ],
    [
      'causalMask negative',
      () => causalMask(-3),
      RangeError,
      'causalMask: size must be a positive integer; got -3',
    ],
  ]);
});

describe('RNNCell', () => {
  const cell = new RNNCell(3, 5);
  check([
    [
      'inputSize zero',
      () => new RNNCell(0, 5),
      RangeError,
      'RNNCell: inputSize must be a positive integer; got 0',
    ],
    [
      'hiddenSize not an integer',
      () => new RNNCell(3, 2.5),
      RangeError,
      'RNNCell: hiddenSize must be a positive integer; got 2.5',
    ],
    [
      'hiddenSize negative',
      () => new RNNCell(3, -5),
      RangeError,
      'RNNCell: hiddenSize must be a positive integer; got -5',
    ],
    [
      'unknown nonlinearity',
      () => new RNNCell(3, 5, { nonlinearity: 'sigmoid' as never }),
      TypeError,
      "RNNCell: nonlinearity must be 'tanh' or 'relu'; got \"sigmoid\"",
    ],
    [
      'x and h with different batch sizes',
      () => cell.forward(zeros([2, 3]), zeros([4, 5])),
      ShapeError,
      'RNNCell.forward: h has B=4 but x has B=2; x [2, 3], h [4, 5]',
    ],
    [
      'x with the wrong inputSize',
      () => cell.forward(zeros([2, 4])),
      ShapeError,
      'RNNCell.forward: x has inputSize=4; expected (B, inputSize=3), got [2, 4]',
    ],
    [
      'x of rank 1',
      () => cell.forward(zeros([3])),
      ShapeError,
      'RNNCell.forward: x has rank 1; expected (B, inputSize=3), got [3]',
    ],
    [
      'x of rank 3 (a sequence)',
      () => cell.forward(zeros([2, 7, 3])),
      ShapeError,
      'RNNCell.forward: x has rank 3; expected (B, inputSize=3), got [2, 7, 3]',
    ],
    [
      'h with the wrong hiddenSize',
      () => cell.forward(zeros([2, 3]), zeros([2, 6])),
      ShapeError,
      'RNNCell.forward: h has hiddenSize=6; expected (B, hiddenSize=5), got [2, 6]',
    ],
    [
      'x not a Tensor',
      () => cell.forward([[1, 2, 3]] as never),
      TypeError,
      `RNNCell.forward: x must be a Tensor; got ${notTensor}`,
    ],
    [
      'h not a Tensor',
      () => cell.forward(zeros([2, 3]), [[0, 0, 0, 0, 0]] as never),
      TypeError,
      `RNNCell.forward: h must be a Tensor; got ${notTensor}`,
    ],
    [
      'x of another dtype',
      () => cell.forward(zeros([2, 3], f64)),
      TypeError,
      `RNNCell.forward: x is float64 ${f32Params}`,
    ],
    [
      'h of another dtype',
      () => cell.forward(zeros([2, 3]), zeros([2, 5], f64)),
      TypeError,
      `RNNCell.forward: h is float64 ${f32Params}`,
    ],
  ]);
});

describe('LSTMCell', () => {
  const cell = new LSTMCell(3, 5);
  const x = zeros([2, 3]);
  const h = zeros([2, 5]);
  check([
    [
      'inputSize negative',
      () => new LSTMCell(-3, 5),
      RangeError,
      'LSTMCell: inputSize must be a positive integer; got -3',
    ],
    [
      'hiddenSize zero',
      () => new LSTMCell(3, 0),
      RangeError,
      'LSTMCell: hiddenSize must be a positive integer; got 0',
    ],
    [
      'hiddenSize not an integer',
      () => new LSTMCell(3, 5.5),
      RangeError,
      'LSTMCell: hiddenSize must be a positive integer; got 5.5',
    ],
    [
      'x and h with different batch sizes',
      () => cell.forward(x, [zeros([4, 5]), zeros([4, 5])]),
      ShapeError,
      'LSTMCell.forward: h has B=4 but x has B=2; x [2, 3], h [4, 5]',
    ],
    [
      'x and c with different batch sizes',
      () => cell.forward(x, [h, zeros([4, 5])]),
      ShapeError,
      'LSTMCell.forward: c has B=4 but x has B=2; x [2, 3], c [4, 5]',
    ],
    [
      'x with the wrong inputSize',
      () => cell.forward(zeros([2, 5])),
      ShapeError,
      'LSTMCell.forward: x has inputSize=5; expected (B, inputSize=3), got [2, 5]',
    ],
    [
      'h with the wrong hiddenSize',
      () => cell.forward(x, [zeros([2, 20]), h]),
      ShapeError,
      'LSTMCell.forward: h has hiddenSize=20; expected (B, hiddenSize=5), got [2, 20]',
    ],
    [
      'c of rank 3',
      () => cell.forward(x, [h, zeros([1, 2, 5])]),
      ShapeError,
      'LSTMCell.forward: c has rank 3; expected (B, hiddenSize=5), got [1, 2, 5]',
    ],
    [
      'c not a Tensor',
      () => cell.forward(x, [h, 0 as never]),
      TypeError,
      'LSTMCell.forward: c must be a Tensor; got number',
    ],
    [
      'c of another dtype',
      () => cell.forward(x, [h, zeros([2, 5], f64)]),
      TypeError,
      `LSTMCell.forward: c is float64 ${f32Params}`,
    ],
    [
      'x of another dtype',
      () => cell.forward(zeros([2, 3], f64)),
      TypeError,
      `LSTMCell.forward: x is float64 ${f32Params}`,
    ],
    // A plain Tensor as state (the RNNCell/GRUCell habit) crashes with a bare JS error.
    [
      'state given as one Tensor instead of [h, c]',
      () => cell.forward(x, h as never),
      TypeError,
      /^LSTMCell\.forward: state must be \[h, c\]/,
    ],
    // [h] alone passes the checks and fails later inside mul with "mul: b must be a Tensor".
    [
      'state given as [h] without c',
      () => cell.forward(x, [h] as never),
      TypeError,
      /^LSTMCell\.forward: state must be \[h, c\]/,
    ],
  ]);
});

describe('GRUCell', () => {
  const cell = new GRUCell(3, 5);
  check([
    [
      'inputSize not an integer',
      () => new GRUCell(1.5, 5),
      RangeError,
      'GRUCell: inputSize must be a positive integer; got 1.5',
    ],
    [
      'hiddenSize zero',
      () => new GRUCell(3, 0),
      RangeError,
      'GRUCell: hiddenSize must be a positive integer; got 0',
    ],
    [
      'x and h with different batch sizes',
      () => cell.forward(zeros([2, 3]), zeros([4, 5])),
      ShapeError,
      'GRUCell.forward: h has B=4 but x has B=2; x [2, 3], h [4, 5]',
    ],
    [
      'x with the wrong inputSize',
      () => cell.forward(zeros([2, 5])),
      ShapeError,
      'GRUCell.forward: x has inputSize=5; expected (B, inputSize=3), got [2, 5]',
    ],
    [
      'h with the wrong hiddenSize',
      () => cell.forward(zeros([2, 3]), zeros([2, 15])),
      ShapeError,
      'GRUCell.forward: h has hiddenSize=15; expected (B, hiddenSize=5), got [2, 15]',
    ],
    [
      'h of rank 1',
      () => cell.forward(zeros([2, 3]), zeros([5])),
      ShapeError,
      'GRUCell.forward: h has rank 1; expected (B, hiddenSize=5), got [5]',
    ],
    [
      'x not a Tensor',
      () => cell.forward({} as never),
      TypeError,
      'GRUCell.forward: x must be a Tensor; got object',
    ],
    [
      'h of another dtype',
      () => cell.forward(zeros([2, 3]), zeros([2, 5], f64)),
      TypeError,
      `GRUCell.forward: h is float64 ${f32Params}`,
    ],
  ]);
});

describe('MultiHeadAttention', () => {
  const attention = new MultiHeadAttention(12, 3);
  const query = zeros([2, 3, 12]);
  const key = zeros([2, 5, 12]);
  const where = 'MultiHeadAttention.forward';
  const attnShape = 'expected (T=3, S=5) or (B·H=6, T=3, S=5)';
  check([
    [
      'embedDim not divisible by numHeads',
      () => new MultiHeadAttention(12, 5),
      RangeError,
      'MultiHeadAttention: embedDim must be divisible by numHeads; got embedDim 12, numHeads 5',
    ],
    [
      'embedDim zero',
      () => new MultiHeadAttention(0, 3),
      RangeError,
      'MultiHeadAttention: embedDim must be a positive integer; got 0',
    ],
    [
      'numHeads zero',
      () => new MultiHeadAttention(12, 0),
      RangeError,
      'MultiHeadAttention: numHeads must be a positive integer; got 0',
    ],
    [
      'numHeads not an integer',
      () => new MultiHeadAttention(12, 1.5),
      RangeError,
      'MultiHeadAttention: numHeads must be a positive integer; got 1.5',
    ],
    [
      'embedDim negative',
      () => new MultiHeadAttention(-12, 3),
      RangeError,
      'MultiHeadAttention: embedDim must be a positive integer; got -12',
    ],
    [
      'dropout 1',
      () => new MultiHeadAttention(12, 3, { dropout: 1 }),
      RangeError,
      'MultiHeadAttention: dropout must be a probability in [0, 1); got 1',
    ],
    [
      'dropout negative',
      () => new MultiHeadAttention(12, 3, { dropout: -0.1 }),
      RangeError,
      'MultiHeadAttention: dropout must be a probability in [0, 1); got -0.1',
    ],
    [
      'key and value with different S',
      () => attention.forward(query, key, zeros([2, 4, 12])),
      ShapeError,
      `${where}: value has S=4 but key has S=5; key [2, 5, 12], value [2, 4, 12]`,
    ],
    [
      'query and key with different batch sizes',
      () => attention.forward(query, zeros([4, 5, 12]), zeros([4, 5, 12])),
      ShapeError,
      `${where}: key has B=4 but query has B=2; query [2, 3, 12], key [4, 5, 12]`,
    ],
    [
      'query with the wrong E',
      () => attention.forward(zeros([2, 3, 8]), key, key),
      ShapeError,
      `${where}: query has E=8; expected (B, T, E=12), got [2, 3, 8]`,
    ],
    [
      'value with the wrong E',
      () => attention.forward(query, key, zeros([2, 5, 8])),
      ShapeError,
      `${where}: value has E=8; expected (B, S, E=12), got [2, 5, 8]`,
    ],
    [
      'query of rank 2',
      () => attention.forward(zeros([3, 12]), key, key),
      ShapeError,
      `${where}: query has rank 2; expected (B, T, E=12), got [3, 12]`,
    ],
    [
      'key not a Tensor',
      () => attention.forward(query, [[0]] as never, key),
      TypeError,
      `${where}: key must be a Tensor; got ${notTensor}`,
    ],
    [
      'value of another dtype',
      () => attention.forward(query, key, zeros([2, 5, 12], f64)),
      TypeError,
      `${where}: value is float64 ${f32Params}`,
    ],
    [
      'attnMask transposed (S, T)',
      () => attention.forward(query, key, key, { attnMask: zeros([5, 3]) }),
      ShapeError,
      `${where}: attnMask has the wrong shape; ${attnShape}, got [5, 3]`,
    ],
    [
      'attnMask with B instead of B·H',
      () => attention.forward(query, key, key, { attnMask: zeros([2, 3, 5]) }),
      ShapeError,
      `${where}: attnMask has the wrong shape; ${attnShape}, got [2, 3, 5]`,
    ],
    [
      'attnMask of rank 1',
      () => attention.forward(query, key, key, { attnMask: zeros([5]) }),
      ShapeError,
      `${where}: attnMask has the wrong shape; ${attnShape}, got [5]`,
    ],
    [
      'boolean attnMask of the wrong shape',
      () =>
        attention.forward(query, key, key, {
          attnMask: [
            [false, true, true],
            [false, false, true],
            [false, false, false],
          ],
        }),
      ShapeError,
      `${where}: attnMask has the wrong shape; ${attnShape}, got [3, 3]`,
    ],
    [
      'keyPaddingMask over T instead of S',
      () => attention.forward(query, key, key, { keyPaddingMask: zeros([2, 3]) }),
      ShapeError,
      `${where}: keyPaddingMask has the wrong shape; expected (B=2, S=5), got [2, 3]`,
    ],
    [
      'boolean keyPaddingMask with the wrong batch size',
      () =>
        attention.forward(query, key, key, {
          keyPaddingMask: [[false, false, false, true, true]],
        }),
      ShapeError,
      `${where}: keyPaddingMask has the wrong shape; expected (B=2, S=5), got [1, 5]`,
    ],
    // Ragged and non-boolean masks surface the internal `tensor` factory's message about `data`.
    [
      'ragged boolean attnMask',
      () =>
        attention.forward(query, key, key, {
          attnMask: [[false, true], [false]] as never,
        }),
      ShapeError,
      `${where}: attnMask is ragged at attnMask[1]; expected length 2, got length 1`,
    ],
    [
      'ragged boolean keyPaddingMask',
      () =>
        attention.forward(query, key, key, {
          keyPaddingMask: [[false, false, false, false, true], [false]] as never,
        }),
      ShapeError,
      `${where}: keyPaddingMask is ragged at keyPaddingMask[1]; expected length 5, got length 1`,
    ],
    [
      'attnMask that is a string',
      () => attention.forward(query, key, key, { attnMask: 'causal' as never }),
      TypeError,
      `${where}: attnMask must be a Tensor or nested booleans; got string`,
    ],
  ]);
});

describe('EncoderDecoderAttention', () => {
  const cross = new EncoderDecoderAttention(12, 3);
  const x = zeros([2, 3, 12]);
  const memory = zeros([2, 5, 12]);
  const where = 'EncoderDecoderAttention.forward';
  check([
    [
      'embedDim not divisible by numHeads',
      () => new EncoderDecoderAttention(12, 5),
      RangeError,
      'EncoderDecoderAttention: embedDim must be divisible by numHeads; got embedDim 12, numHeads 5',
    ],
    [
      'numHeads negative',
      () => new EncoderDecoderAttention(12, -3),
      RangeError,
      'EncoderDecoderAttention: numHeads must be a positive integer; got -3',
    ],
    [
      'embedDim not an integer',
      () => new EncoderDecoderAttention(12.5, 5),
      RangeError,
      'EncoderDecoderAttention: embedDim must be a positive integer; got 12.5',
    ],
    [
      'dropout above 1',
      () => new EncoderDecoderAttention(12, 3, { dropout: 2 }),
      RangeError,
      'EncoderDecoderAttention: dropout must be a probability in [0, 1); got 2',
    ],
    [
      'x and memory with different batch sizes',
      () => cross.forward(x, zeros([4, 5, 12])),
      ShapeError,
      `${where}: memory has B=4 but x has B=2; x [2, 3, 12], memory [4, 5, 12]`,
    ],
    [
      'memory with the wrong E',
      () => cross.forward(x, zeros([2, 5, 8])),
      ShapeError,
      `${where}: memory has E=8; expected (B, S, E=12), got [2, 5, 8]`,
    ],
    [
      'x of rank 4',
      () => cross.forward(zeros([1, 2, 3, 12]), memory),
      ShapeError,
      `${where}: x has rank 4; expected (B, T, E=12), got [1, 2, 3, 12]`,
    ],
    [
      'memory not a Tensor',
      () => cross.forward(x, undefined as never),
      TypeError,
      `${where}: memory must be a Tensor; got undefined`,
    ],
    [
      'x of another dtype',
      () => cross.forward(zeros([2, 3, 12], f64), memory),
      TypeError,
      `${where}: x is float64 ${f32Params}`,
    ],
    [
      'memoryMask transposed (S, T)',
      () => cross.forward(x, memory, { memoryMask: zeros([5, 3]) }),
      ShapeError,
      `${where}: memoryMask has the wrong shape; expected (T=3, S=5) or (B·H=6, T=3, S=5), got [5, 3]`,
    ],
    [
      'memoryKeyPaddingMask over T instead of S',
      () => cross.forward(x, memory, { memoryKeyPaddingMask: zeros([2, 3]) }),
      ShapeError,
      `${where}: memoryKeyPaddingMask has the wrong shape; expected (B=2, S=5), got [2, 3]`,
    ],
  ]);
});

/** Constructor errors shared by EncoderLayer and DecoderLayer. */
function layerConstructorCases(
  name: string,
  make: (dModel: number, nHead: number, options?: object) => unknown,
): Case[] {
  return [
    [
      'dModel not divisible by nHead',
      () => make(12, 5),
      RangeError,
      `${name}: dModel must be divisible by nHead; got dModel 12, nHead 5`,
    ],
    [
      'dModel zero',
      () => make(0, 3),
      RangeError,
      `${name}: dModel must be a positive integer; got 0`,
    ],
    [
      'nHead not an integer',
      () => make(12, 1.5),
      RangeError,
      `${name}: nHead must be a positive integer; got 1.5`,
    ],
    [
      'nHead negative',
      () => make(12, -3),
      RangeError,
      `${name}: nHead must be a positive integer; got -3`,
    ],
    [
      'dimFeedforward zero',
      () => make(12, 3, { dimFeedforward: 0 }),
      RangeError,
      `${name}: dimFeedforward must be a positive integer; got 0`,
    ],
    [
      'dropout 1',
      () => make(12, 3, { dropout: 1 }),
      RangeError,
      `${name}: dropout must be a probability in [0, 1); got 1`,
    ],
    [
      'dropout negative',
      () => make(12, 3, { dropout: -0.5 }),
      RangeError,
      `${name}: dropout must be a probability in [0, 1); got -0.5`,
    ],
    [
      'unknown activation',
      () => make(12, 3, { activation: 'tanh' }),
      TypeError,
      `${name}: activation must be 'relu' or 'gelu'; got "tanh"`,
    ],
    [
      'layerNormEps negative',
      () => make(12, 3, { layerNormEps: -1 }),
      RangeError,
      `${name}: layerNormEps must be >= 0; got -1`,
    ],
  ];
}

describe('EncoderLayer', () => {
  const layer = new EncoderLayer(12, 3, layerOptions);
  const src = zeros([2, 3, 12]);
  const where = 'EncoderLayer.forward';
  check([
    ...layerConstructorCases('EncoderLayer', (d, h, o) => new EncoderLayer(d, h, o)),
    [
      'src with the wrong D',
      () => layer.forward(zeros([2, 3, 8])),
      ShapeError,
      `${where}: src has D=8; expected (B, T, D=12), got [2, 3, 8]`,
    ],
    [
      'src of rank 2',
      () => layer.forward(zeros([3, 12])),
      ShapeError,
      `${where}: src has rank 2; expected (B, T, D=12), got [3, 12]`,
    ],
    [
      'src not a Tensor',
      () => layer.forward([[[0]]] as never),
      TypeError,
      `${where}: src must be a Tensor; got ${notTensor}`,
    ],
    [
      'src of another dtype',
      () => layer.forward(zeros([2, 3, 12], f64)),
      TypeError,
      `${where}: src is float64 ${f32Params}`,
    ],
    [
      'srcMask (T, S) instead of (T, T)',
      () => layer.forward(src, { srcMask: zeros([3, 5]) }),
      ShapeError,
      `${where}: srcMask has the wrong shape; expected (T=3, S=3) or (B·H=6, T=3, S=3), got [3, 5]`,
    ],
    [
      'srcMask from causalMask of the wrong size',
      () => layer.forward(src, { srcMask: causalMask(5) }),
      ShapeError,
      `${where}: srcMask has the wrong shape; expected (T=3, S=3) or (B·H=6, T=3, S=3), got [5, 5]`,
    ],
    [
      'srcKeyPaddingMask of the wrong length',
      () => layer.forward(src, { srcKeyPaddingMask: zeros([2, 5]) }),
      ShapeError,
      `${where}: srcKeyPaddingMask has the wrong shape; expected (B=2, S=3), got [2, 5]`,
    ],
    [
      'srcKeyPaddingMask with the wrong batch size',
      () =>
        layer.forward(src, {
          srcKeyPaddingMask: [
            [false, false, true],
            [false, false, false],
            [false, true, true],
            [false, false, false],
          ],
        }),
      ShapeError,
      `${where}: srcKeyPaddingMask has the wrong shape; expected (B=2, S=3), got [4, 3]`,
    ],
  ]);
});

describe('DecoderLayer', () => {
  const layer = new DecoderLayer(12, 3, layerOptions);
  const tgt = zeros([2, 3, 12]);
  const memory = zeros([2, 5, 12]);
  const where = 'DecoderLayer.forward';
  check([
    ...layerConstructorCases('DecoderLayer', (d, h, o) => new DecoderLayer(d, h, o)),
    [
      'tgt and memory with different batch sizes',
      () => layer.forward(tgt, zeros([4, 5, 12])),
      ShapeError,
      `${where}: memory has B=4 but tgt has B=2; tgt [2, 3, 12], memory [4, 5, 12]`,
    ],
    [
      'memory with the wrong D',
      () => layer.forward(tgt, zeros([2, 5, 8])),
      ShapeError,
      `${where}: memory has D=8; expected (B, S, D=12), got [2, 5, 8]`,
    ],
    [
      'tgt with the wrong D',
      () => layer.forward(zeros([2, 3, 8]), memory),
      ShapeError,
      `${where}: tgt has D=8; expected (B, T, D=12), got [2, 3, 8]`,
    ],
    [
      'memory of rank 2',
      () => layer.forward(tgt, zeros([5, 12])),
      ShapeError,
      `${where}: memory has rank 2; expected (B, S, D=12), got [5, 12]`,
    ],
    [
      'memory not a Tensor',
      () => layer.forward(tgt, null as never),
      TypeError,
      `${where}: memory must be a Tensor; got null`,
    ],
    [
      'memory of another dtype',
      () => layer.forward(tgt, zeros([2, 5, 12], f64)),
      TypeError,
      `${where}: memory is float64 ${f32Params}`,
    ],
    [
      'tgtMask (T, S) instead of (T, T)',
      () => layer.forward(tgt, memory, { tgtMask: zeros([3, 5]) }),
      ShapeError,
      `${where}: tgtMask has the wrong shape; expected (T=3, S=3) or (B·H=6, T=3, S=3), got [3, 5]`,
    ],
    [
      'memoryMask (T, T) instead of (T, S)',
      () => layer.forward(tgt, memory, { memoryMask: zeros([3, 3]) }),
      ShapeError,
      `${where}: memoryMask has the wrong shape; expected (T=3, S=5) or (B·H=6, T=3, S=5), got [3, 3]`,
    ],
    [
      'tgtKeyPaddingMask over S instead of T',
      () => layer.forward(tgt, memory, { tgtKeyPaddingMask: zeros([2, 5]) }),
      ShapeError,
      `${where}: tgtKeyPaddingMask has the wrong shape; expected (B=2, S=3), got [2, 5]`,
    ],
    [
      'memoryKeyPaddingMask over T instead of S',
      () => layer.forward(tgt, memory, { memoryKeyPaddingMask: zeros([2, 3]) }),
      ShapeError,
      `${where}: memoryKeyPaddingMask has the wrong shape; expected (B=2, S=5), got [2, 3]`,
    ],
  ]);
});

describe('Encoder and Decoder', () => {
  const makeEncoderLayer = () => new EncoderLayer(12, 3, layerOptions);
  const makeDecoderLayer = () => new DecoderLayer(12, 3, layerOptions);
  const encoder = new Encoder(makeEncoderLayer, 2);
  const decoder = new Decoder(makeDecoderLayer, 2);
  const shared = new EncoderLayer(12, 3, layerOptions);
  const src = zeros([2, 3, 12]);
  const memory = zeros([2, 5, 12]);
  check([
    [
      'Encoder numLayers zero',
      () => new Encoder(makeEncoderLayer, 0),
      RangeError,
      'Encoder: numLayers must be a positive integer; got 0',
    ],
    [
      'Encoder numLayers not an integer',
      () => new Encoder(makeEncoderLayer, 1.5),
      RangeError,
      'Encoder: numLayers must be a positive integer; got 1.5',
    ],
    [
      'Encoder makeLayer not a function',
      () => new Encoder(shared as never, 2),
      TypeError,
      'Encoder: makeLayer must be a function returning a new layer for each index',
    ],
    [
      'Encoder makeLayer returning one layer twice',
      () => new Encoder(() => shared, 2),
      TypeError,
      'Encoder: makeLayer returned the same layer twice; it must build a new layer per index',
    ],
    [
      'Decoder numLayers negative',
      () => new Decoder(makeDecoderLayer, -1),
      RangeError,
      'Decoder: numLayers must be a positive integer; got -1',
    ],
    [
      'Decoder makeLayer not a function',
      () => new Decoder(undefined as never, 2),
      TypeError,
      'Decoder: makeLayer must be a function returning a new layer for each index',
    ],
    // The stacks pass everything to their layers, whose messages name EncoderLayer.forward /
    // DecoderLayer.forward: the user called Encoder.forward / Decoder.forward.
    [
      'Encoder.forward src with the wrong D names Encoder.forward',
      () => encoder.forward(zeros([2, 3, 8])),
      ShapeError,
      'Encoder.forward: src has D=8; expected (B, T, D=12), got [2, 3, 8]',
    ],
    [
      'Encoder.forward src not a Tensor names Encoder.forward',
      () => encoder.forward([[[0]]] as never),
      TypeError,
      `Encoder.forward: src must be a Tensor; got ${notTensor}`,
    ],
    [
      'Encoder.forward srcKeyPaddingMask names Encoder.forward',
      () => encoder.forward(src, { srcKeyPaddingMask: zeros([2, 5]) }),
      ShapeError,
      'Encoder.forward: srcKeyPaddingMask has the wrong shape; expected (B=2, S=3), got [2, 5]',
    ],
    [
      'Decoder.forward batch mismatch names Decoder.forward',
      () => decoder.forward(src, zeros([4, 5, 12])),
      ShapeError,
      'Decoder.forward: memory has B=4 but tgt has B=2; tgt [2, 3, 12], memory [4, 5, 12]',
    ],
    [
      'Decoder.forward memoryMask names Decoder.forward',
      () => decoder.forward(src, memory, { memoryMask: zeros([3, 3]) }),
      ShapeError,
      'Decoder.forward: memoryMask has the wrong shape; expected (T=3, S=5) or (B·H=6, T=3, S=5), got [3, 3]',
    ],
    [
      'Decoder.forward tgt of another dtype names Decoder.forward',
      () => decoder.forward(zeros([2, 3, 12], f64), memory),
      TypeError,
      `Decoder.forward: tgt is float64 ${f32Params}`,
    ],
  ]);
});

describe('Transformer', () => {
  const small = { dModel: 12, nHead: 3, numEncoderLayers: 1, numDecoderLayers: 2, ...layerOptions };
  const model = new Transformer(small);
  const src = zeros([2, 5, 12]);
  const tgt = zeros([2, 3, 12]);
  const where = 'Transformer.forward';
  // The constructor's checks happen in the parts it builds, so the messages name LayerNorm,
  // EncoderLayer or Encoder (and `numLayers`, an option the user never passed) instead of the
  // Transformer and its own option names.
  check([
    [
      'dModel not divisible by nHead names Transformer',
      () => new Transformer({ ...small, nHead: 5 }),
      RangeError,
      'Transformer: dModel must be divisible by nHead; got dModel 12, nHead 5',
    ],
    [
      'dModel not an integer names Transformer and dModel (not LayerNorm normalizedShape[0])',
      () => new Transformer({ ...small, dModel: 12.5 }),
      RangeError,
      'Transformer: dModel must be a positive integer; got 12.5',
    ],
    [
      'numEncoderLayers zero names numEncoderLayers (not Encoder numLayers)',
      () => new Transformer({ ...small, numEncoderLayers: 0 }),
      RangeError,
      'Transformer: numEncoderLayers must be a positive integer; got 0',
    ],
    [
      'numDecoderLayers negative names numDecoderLayers (not Decoder numLayers)',
      () => new Transformer({ ...small, numDecoderLayers: -1 }),
      RangeError,
      'Transformer: numDecoderLayers must be a positive integer; got -1',
    ],
    [
      'dimFeedforward zero names Transformer',
      () => new Transformer({ ...small, dimFeedforward: 0 }),
      RangeError,
      'Transformer: dimFeedforward must be a positive integer; got 0',
    ],
    [
      'dropout 1 names Transformer',
      () => new Transformer({ ...small, dropout: 1 }),
      RangeError,
      'Transformer: dropout must be a probability in [0, 1); got 1',
    ],
    [
      'activation names Transformer',
      () => new Transformer({ ...small, activation: 'tanh' as never }),
      TypeError,
      "Transformer: activation must be 'relu' or 'gelu'; got \"tanh\"",
    ],
    [
      'layerNormEps names Transformer and layerNormEps (not LayerNorm eps)',
      () => new Transformer({ ...small, layerNormEps: -1 }),
      RangeError,
      'Transformer: layerNormEps must be >= 0; got -1',
    ],
    // forward: today the errors come from EncoderLayer.forward / DecoderLayer.forward, and a
    // batch mismatch between src and tgt is reported as one between tgt and `memory`.
    [
      'src and tgt with different batch sizes names src, not memory',
      () => model.forward(src, zeros([4, 3, 12])),
      ShapeError,
      `${where}: tgt has B=4 but src has B=2; src [2, 5, 12], tgt [4, 3, 12]`,
    ],
    [
      'src with the wrong D names Transformer.forward',
      () => model.forward(zeros([2, 5, 8]), tgt),
      ShapeError,
      `${where}: src has D=8; expected (B, S, D=12), got [2, 5, 8]`,
    ],
    [
      'tgt with the wrong D names Transformer.forward',
      () => model.forward(src, zeros([2, 3, 8])),
      ShapeError,
      `${where}: tgt has D=8; expected (B, T, D=12), got [2, 3, 8]`,
    ],
    [
      'src not a Tensor names Transformer.forward',
      () => model.forward([[[0]]] as never, tgt),
      TypeError,
      `${where}: src must be a Tensor; got ${notTensor}`,
    ],
    [
      'tgt of another dtype names Transformer.forward',
      () => model.forward(src, zeros([2, 3, 12], f64)),
      TypeError,
      `${where}: tgt is float64 ${f32Params}`,
    ],
    [
      'srcMask of the wrong shape names Transformer.forward',
      () => model.forward(src, tgt, { srcMask: zeros([3, 3]) }),
      ShapeError,
      `${where}: srcMask has the wrong shape; expected (T=5, S=5) or (B·H=6, T=5, S=5), got [3, 3]`,
    ],
    [
      'tgtMask of the wrong shape names Transformer.forward',
      () => model.forward(src, tgt, { tgtMask: causalMask(5) }),
      ShapeError,
      `${where}: tgtMask has the wrong shape; expected (T=3, S=3) or (B·H=6, T=3, S=3), got [5, 5]`,
    ],
    [
      'memoryKeyPaddingMask of the wrong shape names Transformer.forward',
      () => model.forward(src, tgt, { memoryKeyPaddingMask: zeros([2, 3]) }),
      ShapeError,
      `${where}: memoryKeyPaddingMask has the wrong shape; expected (B=2, S=5), got [2, 3]`,
    ],
  ]);

  it('valid calls of the same objects work (the cases above fail for the stated reason only)', () => {
    expect(model.forward(src, tgt, { tgtMask: causalMask(3) }).shape).toEqual([2, 3, 12]);
    const out: Tensor = new Encoder(() => new EncoderLayer(12, 3, layerOptions), 2).forward(
      zeros([2, 3, 12]),
    );
    expect(out.shape).toEqual([2, 3, 12]);
  });
});
