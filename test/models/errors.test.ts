/**
 * Error messages of the ready-made models. A bad option or bad ids are reported under the
 * model's own call and argument names, not those of a layer inside it; each case pins the class
 * and the whole message.
 *
 * Sizes, distinct per axis: V=11 (target V=13), D=12, H=3 heads, F=7, maxLen=6, 4 classes.
 */
import { describe, expect, it } from 'vitest';
import {
  Seq2SeqTransformer,
  ShapeError,
  TransformerClassifier,
  TransformerLanguageModel,
  tensor,
} from '../../src/index.js';
import { checkErrors } from '../helpers/expect-error.js';

const sizes = { dModel: 12, nHead: 3, dimFeedforward: 7, maxLen: 6, dropout: 0 };
const flat =
  'expected (B, T) token ids, an array of rows such as [[1, 5, 2]], got [3] (wrap one sequence: [ids])';

describe('TransformerLanguageModel', () => {
  const model = new TransformerLanguageModel(11, { ...sizes, numLayers: 1 });
  const where = 'TransformerLanguageModel.forward';
  checkErrors([
    [
      'vocabSize 0',
      () => new TransformerLanguageModel(0),
      RangeError,
      'TransformerLanguageModel: vocabSize must be a positive integer; got 0',
    ],
    [
      'dModel not divisible by nHead names the model, not EncoderLayer',
      () => new TransformerLanguageModel(11, { dModel: 12, nHead: 5 }),
      RangeError,
      'TransformerLanguageModel: dModel must be divisible by nHead; got dModel 12, nHead 5',
    ],
    [
      'a negative dropout',
      () => new TransformerLanguageModel(11, { dropout: -0.1 }),
      RangeError,
      'TransformerLanguageModel: dropout must be a probability in [0, 1); got -0.1',
    ],
    [
      'numLayers 0',
      () => new TransformerLanguageModel(11, { numLayers: 0 }),
      RangeError,
      'TransformerLanguageModel: numLayers must be a positive integer; got 0',
    ],
    [
      'an unknown positional kind',
      () => new TransformerLanguageModel(11, { positional: 'rotary' as 'learned' }),
      RangeError,
      `TransformerLanguageModel: positional must be 'learned' or 'sinusoidal'; got "rotary"`,
    ],
    [
      'an id past the vocabulary',
      () => model.forward([[1, 11]]),
      RangeError,
      `${where}: ids[0][1] is out of range; expected an integer in [0, 11), got 11`,
    ],
    [
      'a negative id',
      () => model.forward([[1, -1]]),
      RangeError,
      `${where}: ids[0][1] is out of range; expected an integer in [0, 11), got -1`,
    ],
    [
      'a fractional id',
      () => model.forward([[1.5]]),
      RangeError,
      `${where}: ids[0][0] is not an integer; expected an integer in [0, 11), got 1.5`,
    ],
    [
      'a NaN id',
      () => model.forward([[2, Number.NaN]]),
      RangeError,
      `${where}: ids[0][1] is not an integer; expected an integer in [0, 11), got NaN`,
    ],
    [
      'a string id',
      () => model.forward([['3']] as never),
      RangeError,
      `${where}: ids[0][0] is not an integer; expected an integer in [0, 11), got "3"`,
    ],
    [
      'ragged ids',
      () => model.forward([[1, 2], [3]]),
      ShapeError,
      `${where}: ids is ragged at ids[1]; expected length 2, got length 1 (pad with padSequences)`,
    ],
    [
      'a flat array of ids',
      () => model.forward([1, 2, 3] as never),
      ShapeError,
      `${where}: ids is a flat array of 3 ids; ${flat}`,
    ],
    [
      'no ids',
      () => model.forward([]),
      ShapeError,
      `${where}: ids is empty; expected (B, T) token ids with B >= 1 and T >= 1, got [0]`,
    ],
    [
      'a Tensor of ids with rank 1',
      () => model.forward(tensor([1, 2, 3])),
      ShapeError,
      `${where}: ids has rank 1; expected (B, T) token ids, an array of rows such as [[1, 5, 2]], got a Tensor [3]`,
    ],
    [
      'more tokens than maxLen',
      () => model.forward([[1, 2, 3, 4, 5, 6, 7]]),
      ShapeError,
      `${where}: ids has T=7 but maxLen is 6; expected (B, T<=6), got [1, 7]`,
    ],
    [
      'an offset that runs past maxLen',
      () => model.forward([[1, 2]], { offset: 5 }),
      ShapeError,
      `${where}: positions 5..6 go past maxLen 6; expected offset + T <= 6, got offset 5 and ids [1, 2]`,
    ],
    [
      'keyPaddingMask of the wrong shape names the argument the user passed',
      () => model.forward([[1, 2, 3]], { keyPaddingMask: [[false, false]] }),
      ShapeError,
      `${where}: keyPaddingMask has the wrong shape; expected (B=1, T=3) booleans, true at padding, got [1, 2]`,
    ],
  ]);

  it('valid calls of the same objects work', () => {
    expect(model.forward([[1, 2, 3]], { keyPaddingMask: [[false, false, true]] }).shape).toEqual([
      1, 3, 11,
    ]);
    expect(model.forward(tensor([[1, 2]])).shape).toEqual([1, 2, 11]);
  });
});

describe('Seq2SeqTransformer', () => {
  const model = new Seq2SeqTransformer(11, 13, {
    ...sizes,
    numEncoderLayers: 1,
    numDecoderLayers: 1,
  });
  const where = 'Seq2SeqTransformer.forward';
  checkErrors([
    [
      'tgtVocabSize 0',
      () => new Seq2SeqTransformer(11, 0),
      RangeError,
      'Seq2SeqTransformer: tgtVocabSize must be a positive integer; got 0',
    ],
    [
      'numDecoderLayers 0',
      () => new Seq2SeqTransformer(11, 13, { numDecoderLayers: 0 }),
      RangeError,
      'Seq2SeqTransformer: numDecoderLayers must be a positive integer; got 0',
    ],
    [
      'dimFeedforward 0',
      () => new Seq2SeqTransformer(11, 13, { dimFeedforward: 0 }),
      RangeError,
      'Seq2SeqTransformer: dimFeedforward must be a positive integer; got 0',
    ],
    [
      'a source id past the source vocabulary',
      () => model.forward([[11]], [[1]]),
      RangeError,
      `${where}: srcIds[0][0] is out of range; expected an integer in [0, 11), got 11`,
    ],
    [
      'a target id past the target vocabulary (13, not 11)',
      () => model.forward([[1]], [[1, 13]]),
      RangeError,
      `${where}: tgtIds[0][1] is out of range; expected an integer in [0, 13), got 13`,
    ],
    [
      'different batch sizes',
      () => model.forward([[1], [2]], [[1]]),
      ShapeError,
      `${where}: tgtIds has B=1 but srcIds has B=2; expected one target row per source row`,
    ],
    [
      'srcKeyPaddingMask of the wrong shape',
      () => model.forward([[1, 2]], [[1]], { srcKeyPaddingMask: [[false]] }),
      ShapeError,
      `${where}: srcKeyPaddingMask has the wrong shape; expected (B=1, T=2) booleans, true at padding, got [1, 1]`,
    ],
    [
      'tgtKeyPaddingMask with ragged rows',
      () =>
        model.forward(
          [[1, 2]],
          [
            [1, 2],
            [3, 4],
          ].slice(0, 1),
          { tgtKeyPaddingMask: [[false], [false, true]] },
        ),
      ShapeError,
      `${where}: tgtKeyPaddingMask has the wrong shape; expected (B=1, T=2) booleans, true at padding, got ragged rows`,
    ],
    [
      'a target longer than maxLen',
      () => model.forward([[1]], [[1, 2, 3, 4, 5, 6, 7]]),
      ShapeError,
      `${where}: tgtIds has T=7 but maxLen is 6; expected (B, T<=6), got [1, 7]`,
    ],
    [
      'forwardWithAttention names itself',
      () => model.forwardWithAttention([[1]], [1] as never),
      ShapeError,
      `Seq2SeqTransformer.forwardWithAttention: tgtIds is a flat array of 1 ids; ${flat.replace('[3]', '[1]')}`,
    ],
    [
      'encode names itself',
      () => model.encode([[1, 2, 3, 4, 5, 6, 7]]),
      ShapeError,
      'Seq2SeqTransformer.encode: srcIds has T=7 but maxLen is 6; expected (B, T<=6), got [1, 7]',
    ],
    [
      'decoder checks the source sentence',
      () => model.decoder([1, 99]),
      RangeError,
      'Seq2SeqTransformer.encode: srcIds[0][1] is out of range; expected an integer in [0, 11), got 99',
    ],
  ]);

  it('valid calls of the same objects work', () => {
    expect(
      model.forward([[1, 2]], [[1, 12]], { srcKeyPaddingMask: [[false, true]] }).shape,
    ).toEqual([1, 2, 13]);
  });
});

describe('TransformerClassifier', () => {
  const model = new TransformerClassifier(11, 4, { ...sizes, numLayers: 1 });
  const where = 'TransformerClassifier.forward';
  checkErrors([
    [
      'numClasses 0',
      () => new TransformerClassifier(11, 0),
      RangeError,
      'TransformerClassifier: numClasses must be a positive integer; got 0',
    ],
    [
      'nHead 0',
      () => new TransformerClassifier(11, 4, { nHead: 0 }),
      RangeError,
      'TransformerClassifier: nHead must be a positive integer; got 0',
    ],
    [
      'an id past the vocabulary',
      () => model.forward([[11]]),
      RangeError,
      `${where}: ids[0][0] is out of range; expected an integer in [0, 11), got 11`,
    ],
    [
      'keyPaddingMask of the wrong shape',
      () => model.forward([[1, 2]], { keyPaddingMask: [[false]] }),
      ShapeError,
      `${where}: keyPaddingMask has the wrong shape; expected (B=1, T=2) booleans, true at padding, got [1, 1]`,
    ],
    [
      'a sequence that is all padding (its mean would be NaN)',
      () =>
        model.forward(
          [
            [1, 2],
            [3, 4],
          ],
          {
            keyPaddingMask: [
              [false, true],
              [true, true],
            ],
          },
        ),
      RangeError,
      `${where}: keyPaddingMask[1] marks every position as padding; expected at least one real token per sequence`,
    ],
    [
      'more tokens than maxLen',
      () => model.forward([[1, 2, 3, 4, 5, 6, 7]]),
      ShapeError,
      `${where}: ids has T=7 but maxLen is 6; expected (B, T<=6), got [1, 7]`,
    ],
  ]);

  it('valid calls of the same objects work', () => {
    expect(model.forward([[1, 2]], { keyPaddingMask: [[false, true]] }).shape).toEqual([1, 4]);
  });
});
