import { describe, expect, it } from 'vitest';
import { ShapeError, tensor, Vocabulary } from '../../src/index.js';

const corpus = ['the big red dog', 'the dog sat', 'a red cat sat on the mat'];

describe('Vocabulary.fromCorpus (word level)', () => {
  const vocab = Vocabulary.fromCorpus(corpus);

  it('puts the four specials first, then tokens by frequency, ties in code-unit order', () => {
    // the ×3; dog, red, sat ×2; a, big, cat, mat, on ×1
    expect(vocab.tokens).toEqual([
      '<pad>',
      '<bos>',
      '<eos>',
      '<unk>',
      'the',
      'dog',
      'red',
      'sat',
      'a',
      'big',
      'cat',
      'mat',
      'on',
    ]);
    expect(vocab.size).toBe(13);
    expect([vocab.padId, vocab.bosId, vocab.eosId, vocab.unkId]).toEqual([0, 1, 2, 3]);
    expect(vocab.level).toBe('word');
  });

  it('gives the same ids for the same corpus in any sentence order', () => {
    const reordered = Vocabulary.fromCorpus([corpus[2], corpus[0], corpus[1]] as string[]);
    expect(reordered.tokens).toEqual(vocab.tokens);
    expect(Vocabulary.fromCorpus(corpus).tokens).toEqual(vocab.tokens);
  });

  it('maps tokens to ids and back; unknown tokens to unk', () => {
    expect(vocab.idOf('dog')).toBe(5);
    expect(vocab.tokenOf(5)).toBe('dog');
    expect(vocab.idOf('zebra')).toBe(3);
    expect(vocab.idOf('Dog')).toBe(3); // case-sensitive unless lowercase
    expect(vocab.has('dog')).toBe(true);
    expect(vocab.has('zebra')).toBe(false);
    for (let id = 0; id < vocab.size; id++) expect(vocab.idOf(vocab.tokenOf(id))).toBe(id);
  });

  it('encodes on any whitespace, with optional bos and eos', () => {
    expect(vocab.encode('the  red\tdog\n')).toEqual([4, 6, 5]);
    expect(vocab.encode('the zebra', { addBos: true, addEos: true })).toEqual([1, 4, 3, 2]);
    expect(vocab.encode('')).toEqual([]);
    expect(vocab.encode('', { addBos: true })).toEqual([1]);
  });

  it('decodes with a space, skipping pad/bos/eos by default and keeping unk', () => {
    expect(vocab.decode([1, 4, 9, 6, 5, 2, 0, 0])).toBe('the big red dog');
    expect(vocab.decode([1, 4, 3, 2, 0], { skipSpecial: false })).toBe(
      '<bos> the <unk> <eos> <pad>',
    );
    expect(vocab.decode([4, 3])).toBe('the <unk>');
    expect(vocab.decode(new Int32Array([4, 5]))).toBe('the dog');
    expect(vocab.decode(tensor([4, 5]))).toBe('the dog');
    expect(vocab.decode([])).toBe('');
  });

  it('round-trips known text through encode and decode', () => {
    for (const sentence of corpus) expect(vocab.decode(vocab.encode(sentence))).toBe(sentence);
    const withMarks = vocab.encode(corpus[1] as string, { addBos: true, addEos: true });
    expect(vocab.decode(withMarks)).toBe(corpus[1]);
  });

  it('rejects bad ids, naming the call, the position and the value', () => {
    expect(() => vocab.tokenOf(13)).toThrow(RangeError);
    expect(() => vocab.tokenOf(13)).toThrow(
      'Vocabulary.tokenOf: id is out of range; expected an integer in [0, 13), got 13',
    );
    expect(() => vocab.tokenOf(-1)).toThrow(/id is out of range; .* got -1$/);
    expect(() => vocab.tokenOf(1.5)).toThrow(/id is not an integer; .* got 1.5$/);
    expect(() => vocab.decode([4, 5, 99])).toThrow(
      'Vocabulary.decode: ids[2] is out of range; expected an integer in [0, 13), got 99',
    );
    expect(() => vocab.decode(tensor([[4, 5]]))).toThrow(ShapeError);
    expect(() => vocab.decode(tensor([[4, 5]]))).toThrow(
      'Vocabulary.decode: ids has rank 2; expected (T), got [1, 2]',
    );
    expect(() => vocab.encode(3 as unknown as string)).toThrow(
      'Vocabulary.encode: text must be a string; got number',
    );
  });
});

describe('Vocabulary options', () => {
  it('lowercases when building and when encoding, but never the specials', () => {
    const vocab = Vocabulary.fromCorpus(['The Dog', 'the dog <UNK>'], {
      lowercase: true,
      specials: { unk: '<UNK>' },
    });
    expect(vocab.tokens).toEqual(['<pad>', '<bos>', '<eos>', '<UNK>', 'dog', 'the']);
    expect(vocab.encode('THE DOG <UNK> Cat')).toEqual([5, 4, 3, 3]);
    expect(vocab.idOf('DOG')).toBe(4);
    expect(vocab.lowercase).toBe(true);
  });

  it('treats a corpus token equal to a special as that special', () => {
    const vocab = Vocabulary.fromCorpus('a <unk> b <pad>');
    expect(vocab.tokens).toEqual(['<pad>', '<bos>', '<eos>', '<unk>', 'a', 'b']);
    expect(vocab.encode('a <unk> <pad>')).toEqual([4, 3, 0]);
  });

  it('uses custom special strings at the same fixed ids', () => {
    const vocab = Vocabulary.fromCorpus('x y', {
      specials: { pad: '[PAD]', bos: '[CLS]', eos: '[SEP]', unk: '[UNK]' },
    });
    expect(vocab.tokens.slice(0, 4)).toEqual(['[PAD]', '[CLS]', '[SEP]', '[UNK]']);
    expect(vocab.decode([1, 4, 3, 2], { skipSpecial: false })).toBe('[CLS] x [UNK] [SEP]');
    expect(vocab.specials).toEqual({ pad: '[PAD]', bos: '[CLS]', eos: '[SEP]', unk: '[UNK]' });
  });

  it('keeps tokens seen at least minFrequency times', () => {
    const vocab = Vocabulary.fromCorpus(corpus, { minFrequency: 2 });
    expect(vocab.tokens.slice(4)).toEqual(['the', 'dog', 'red', 'sat']);
    expect(vocab.encode('the cat')).toEqual([4, 3]);
  });

  it('cuts to maxSize entries, specials included, keeping the most frequent', () => {
    const vocab = Vocabulary.fromCorpus(corpus, { maxSize: 6 });
    expect(vocab.tokens).toEqual(['<pad>', '<bos>', '<eos>', '<unk>', 'the', 'dog']);
    expect(Vocabulary.fromCorpus(corpus, { maxSize: 4 }).size).toBe(4);
    expect(Vocabulary.fromCorpus(corpus, { maxSize: 100 }).size).toBe(13);
  });

  it('rejects bad options with messages naming them', () => {
    expect(() => Vocabulary.fromCorpus(corpus, { minFrequency: 0 })).toThrow(
      'Vocabulary.fromCorpus: minFrequency must be an integer >= 1; got 0',
    );
    expect(() => Vocabulary.fromCorpus(corpus, { maxSize: 3 })).toThrow(
      'Vocabulary.fromCorpus: maxSize must be an integer >= 4; got 3',
    );
    expect(() => Vocabulary.fromCorpus(corpus, { level: 'byte' as 'word' })).toThrow(
      `Vocabulary.fromCorpus: level must be 'word' or 'char'; got "byte"`,
    );
    expect(() => Vocabulary.fromCorpus(['ok', 7 as unknown as string])).toThrow(
      'Vocabulary.fromCorpus: corpus[1] must be a string; got number',
    );
    expect(() => Vocabulary.fromCorpus(corpus, { specials: { bos: '<pad>' } })).toThrow(
      'Vocabulary.fromCorpus: specials.bos and specials.pad are both "<pad>"; expected four different strings',
    );
    expect(() => Vocabulary.fromCorpus(corpus, { specials: { eos: '' } })).toThrow(
      'Vocabulary.fromCorpus: specials.eos must be a non-empty string; got ""',
    );
  });
});

describe('Vocabulary at character level', () => {
  const vocab = Vocabulary.fromCorpus(['hello world', 'hi 🐕'], { level: 'char' });

  it('counts code points, spaces included, and joins with nothing', () => {
    // l ×3; h, o ×2 and ' ' ×2 (' ' sorts first); then d, e, i, r, w, 🐕 once each
    expect(vocab.tokens.slice(4)).toEqual(['l', ' ', 'h', 'o', 'd', 'e', 'i', 'r', 'w', '🐕']);
    expect(vocab.encode('hold')).toEqual([6, 7, 4, 8]);
    expect(vocab.decode(vocab.encode('hi world 🐕'))).toBe('hi world 🐕');
    expect(vocab.encode('🐕').length).toBe(1); // one code point, two UTF-16 units
    expect(vocab.decode(vocab.encode('hz', { addEos: true }))).toBe('h<unk>');
    expect(vocab.tokenize('a b')).toEqual(['a', ' ', 'b']);
  });
});

describe('Vocabulary.fromTokens', () => {
  it('keeps the given order after the specials, skipping duplicates and specials', () => {
    const vocab = Vocabulary.fromTokens(['le', 'gros', 'le', '<unk>', 'chien', 'rouge']);
    expect(vocab.tokens).toEqual([
      '<pad>',
      '<bos>',
      '<eos>',
      '<unk>',
      'le',
      'gros',
      'chien',
      'rouge',
    ]);
    expect(vocab.encode('le chien rouge')).toEqual([4, 6, 7]);
  });

  it('makes a character vocabulary from an alphabet', () => {
    const vocab = Vocabulary.fromTokens([...'abc'], { level: 'char' });
    expect(vocab.encode('cab!')).toEqual([6, 4, 5, 3]);
    expect(vocab.decode([6, 4, 5])).toBe('cab');
  });

  it('rejects tokens that are not non-empty strings', () => {
    expect(() => Vocabulary.fromTokens(['a', ''])).toThrow(
      'Vocabulary.fromTokens: tokens[1] must be a non-empty string; got ""',
    );
    expect(() => Vocabulary.fromTokens('abc' as unknown as string[])).toThrow(
      'Vocabulary.fromTokens: tokens must be an array of strings; got string',
    );
  });
});

describe('Vocabulary JSON', () => {
  it('round-trips through JSON text with its options', () => {
    const vocab = Vocabulary.fromCorpus(corpus, {
      lowercase: true,
      specials: { pad: '_' },
      maxSize: 9,
    });
    const text = JSON.stringify(vocab);
    const copy = Vocabulary.fromJSON(text);
    expect(copy.tokens).toEqual(vocab.tokens);
    expect(copy.level).toBe('word');
    expect(copy.lowercase).toBe(true);
    expect(copy.specials).toEqual(vocab.specials);
    expect(copy.encode('The RED dog')).toEqual(vocab.encode('The RED dog'));
    expect(JSON.parse(text)).toEqual({
      format: 'seqgrad.vocabulary',
      version: 1,
      level: 'word',
      lowercase: true,
      specials: { pad: '_', bos: '<bos>', eos: '<eos>', unk: '<unk>' },
      tokens: ['_', '<bos>', '<eos>', '<unk>', 'the', 'dog', 'red', 'sat', 'a'],
    });
  });

  it('round-trips a character vocabulary from the object', () => {
    const vocab = Vocabulary.fromCorpus('abracadabra', { level: 'char' });
    const copy = Vocabulary.fromJSON(vocab.toJSON());
    expect(copy.level).toBe('char');
    expect(copy.decode(copy.encode('cab'))).toBe('cab');
  });

  it('rejects data that is not a saved vocabulary, naming the field', () => {
    const good = Vocabulary.fromCorpus('a b').toJSON();
    expect(() => Vocabulary.fromJSON({ ...good, format: 'other' as 'seqgrad.vocabulary' })).toThrow(
      `Vocabulary.fromJSON: format must be 'seqgrad.vocabulary'; got "other"`,
    );
    expect(() => Vocabulary.fromJSON({ ...good, version: 2 as 1 })).toThrow(
      'Vocabulary.fromJSON: version must be 1; got 2',
    );
    expect(() =>
      Vocabulary.fromJSON({ ...good, tokens: ['<bos>', '<pad>', '<eos>', '<unk>'] }),
    ).toThrow('Vocabulary.fromJSON: tokens[0] must be specials.pad; expected "<pad>", got "<bos>"');
    expect(() => Vocabulary.fromJSON({ ...good, tokens: [...good.tokens, 'a'] })).toThrow(
      'Vocabulary.fromJSON: tokens has duplicates; expected 7 different strings, got 6',
    );
    expect(() => Vocabulary.fromJSON({ ...good, lowercase: 'no' as unknown as boolean })).toThrow(
      'Vocabulary.fromJSON: lowercase must be a boolean; got "no"',
    );
    expect(() => Vocabulary.fromJSON('null')).toThrow(
      `Vocabulary.fromJSON: format must be 'seqgrad.vocabulary'; got null`,
    );
  });
});
