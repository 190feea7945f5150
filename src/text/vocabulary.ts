/**
 * Word- and character-level vocabularies with the four special tokens of sequence models.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { formatShape, ShapeError } from '../errors.js';
import { contiguous } from '../ndarray/ndarray.js';

/** How text is split into tokens: on whitespace (`'word'`) or into Unicode code points (`'char'`). */
export type TokenLevel = 'word' | 'char';

/** The strings of the special tokens; ids are fixed: pad 0, bos 1, eos 2, unk 3. */
export interface SpecialTokens {
  /** Padding, id 0 (default `'<pad>'`). */
  pad?: string;
  /** Beginning of sequence, id 1 (default `'<bos>'`). */
  bos?: string;
  /** End of sequence, id 2 (default `'<eos>'`). */
  eos?: string;
  /** Unknown token, id 3 (default `'<unk>'`): what {@link Vocabulary.idOf} returns for anything not in the vocabulary. */
  unk?: string;
}

/** Options shared by every way of building a {@link Vocabulary}. */
export interface VocabularyOptions {
  /** `'word'` (default): split on whitespace; `'char'`: one token per Unicode code point. */
  level?: TokenLevel;
  /** Lowercase text before splitting it, both when building and when encoding (default false). */
  lowercase?: boolean;
  /** The special tokens' strings. */
  specials?: SpecialTokens;
}

/** Options of {@link Vocabulary.fromCorpus}. */
export interface CorpusOptions extends VocabularyOptions {
  /** Keep only tokens seen at least this often (default 1). */
  minFrequency?: number;
  /** The largest size, the four specials included; the most frequent tokens are kept. */
  maxSize?: number;
}

/** Options of {@link Vocabulary.encode}. */
export interface EncodeOptions {
  /** Start with the bos id (default false). */
  addBos?: boolean;
  /** End with the eos id (default false). */
  addEos?: boolean;
}

/** Options of {@link Vocabulary.decode}. */
export interface DecodeOptions {
  /** Leave out pad, bos and eos (default true); unk is always kept, since it stands for a real token. */
  skipSpecial?: boolean;
}

/** What {@link Vocabulary.toJSON} writes and {@link Vocabulary.fromJSON} reads. */
export interface VocabularyJSON {
  /** Always `'seqgrad.vocabulary'`. */
  format: 'seqgrad.vocabulary';
  /** Always 1. */
  version: 1;
  /** How text is split. */
  level: TokenLevel;
  /** Whether text is lowercased. */
  lowercase: boolean;
  /** The special tokens' strings. */
  specials: Required<SpecialTokens>;
  /** Every token in id order, the four specials first. */
  tokens: string[];
}

const DEFAULT_SPECIALS = { pad: '<pad>', bos: '<bos>', eos: '<eos>', unk: '<unk>' } as const;
const SPECIAL_ORDER = ['pad', 'bos', 'eos', 'unk'] as const;

function resolveSpecials(where: string, specials: SpecialTokens = {}): Required<SpecialTokens> {
  const resolved = { ...DEFAULT_SPECIALS, ...specials };
  const seen = new Map<string, string>();
  for (const role of SPECIAL_ORDER) {
    const token = resolved[role];
    if (typeof token !== 'string' || token.length === 0) {
      throw new TypeError(
        `${where}: specials.${role} must be a non-empty string; got ${JSON.stringify(token)}`,
      );
    }
    const other = seen.get(token);
    if (other !== undefined) {
      throw new RangeError(
        `${where}: specials.${role} and specials.${other} are both ${JSON.stringify(token)}; expected four different strings`,
      );
    }
    seen.set(token, role);
  }
  return resolved;
}

function checkLevel(where: string, level: unknown): TokenLevel {
  if (level !== 'word' && level !== 'char') {
    throw new TypeError(`${where}: level must be 'word' or 'char'; got ${JSON.stringify(level)}`);
  }
  return level;
}

function checkCount(where: string, arg: string, value: unknown, least: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least) {
    throw new RangeError(`${where}: ${arg} must be an integer >= ${least}; got ${String(value)}`);
  }
  return value;
}

/**
 * Maps tokens to integer ids and back: the one-hot index of the course slides ("how" → id 7 of a
 * 25,000-word vocabulary). Ids 0–3 are always pad, bos, eos and unk; the other tokens follow,
 * most frequent first, ties in code-unit order of the token (as torchtext), so the same corpus
 * always gives the same ids. Save it next to the weights with {@link Vocabulary.toJSON}.
 *
 * @example
 * ```ts
 * const vocab = Vocabulary.fromCorpus(['the big red dog', 'the dog'], { lowercase: true });
 * vocab.size;                                    // 8
 * vocab.idOf('dog');                             // 4
 * vocab.encode('The red cat', { addEos: true }); // [5, 7, 3, 2]
 * vocab.decode([1, 5, 6, 4, 2, 0]);              // 'the big dog'
 * ```
 */
export class Vocabulary {
  /** How text is split into tokens. */
  readonly level: TokenLevel;
  /** Whether text is lowercased before it is split. */
  readonly lowercase: boolean;
  /** The padding id, always 0 (the `paddingIdx` of an {@link Embedding}). */
  readonly padId = 0;
  /** The beginning-of-sequence id, always 1. */
  readonly bosId = 1;
  /** The end-of-sequence id, always 2. */
  readonly eosId = 2;
  /** The unknown-token id, always 3. */
  readonly unkId = 3;
  /** The special tokens' strings. */
  readonly specials: Readonly<Required<SpecialTokens>>;
  readonly #tokens: string[];
  readonly #ids = new Map<string, number>();
  readonly #specialSet: ReadonlySet<string>;

  /** Made by {@link Vocabulary.fromCorpus}, {@link Vocabulary.fromTokens} or {@link Vocabulary.fromJSON}. */
  private constructor(
    tokens: readonly string[],
    level: TokenLevel,
    lowercase: boolean,
    specials: Required<SpecialTokens>,
  ) {
    this.level = level;
    this.lowercase = lowercase;
    this.specials = Object.freeze({ ...specials });
    this.#specialSet = new Set(Object.values(specials));
    this.#tokens = [];
    for (const token of [...SPECIAL_ORDER.map((role) => specials[role]), ...tokens]) {
      if (this.#ids.has(token)) continue;
      this.#ids.set(token, this.#tokens.length);
      this.#tokens.push(token);
    }
  }

  /**
   * Builds a vocabulary from training text: every token seen at least `minFrequency` times,
   * most frequent first (ties in code-unit order), cut to `maxSize` entries with the specials.
   * A corpus token equal to a special's string is that special.
   *
   * @param corpus - one text or many (sentences, lines, documents)
   * @example
   * ```ts
   * const chars = Vocabulary.fromCorpus('abracadabra', { level: 'char' });
   * chars.tokens.slice(4);                     // ['a', 'b', 'r', 'c', 'd']
   * const top = Vocabulary.fromCorpus('a b b c c c', { maxSize: 6 });
   * top.tokens.slice(4);                       // ['c', 'b']
   * ```
   * @throws RangeError for a `minFrequency` below 1 or a `maxSize` below 4
   */
  static fromCorpus(corpus: string | readonly string[], options: CorpusOptions = {}): Vocabulary {
    const where = 'Vocabulary.fromCorpus';
    const { level = 'word', lowercase = false, minFrequency = 1, maxSize } = options;
    checkLevel(where, level);
    checkCount(where, 'minFrequency', minFrequency, 1);
    if (maxSize !== undefined) checkCount(where, 'maxSize', maxSize, SPECIAL_ORDER.length);
    const specials = resolveSpecials(where, options.specials);
    const texts = typeof corpus === 'string' ? [corpus] : corpus;
    if (!Array.isArray(texts)) {
      throw new TypeError(
        `${where}: corpus must be a string or an array of strings; got ${typeof corpus}`,
      );
    }
    const specialSet = new Set(Object.values(specials));
    const counts = new Map<string, number>();
    texts.forEach((text, i) => {
      if (typeof text !== 'string') {
        throw new TypeError(`${where}: corpus[${i}] must be a string; got ${typeof text}`);
      }
      for (const token of splitText(text, level, lowercase, specialSet)) {
        counts.set(token, (counts.get(token) ?? 0) + 1);
      }
    });
    const ranked = [...counts]
      .filter(([token, count]) => count >= minFrequency && !specialSet.has(token))
      .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))
      .map(([token]) => token);
    const kept = maxSize === undefined ? ranked : ranked.slice(0, maxSize - SPECIAL_ORDER.length);
    return new Vocabulary(kept, level, lowercase, specials);
  }

  /**
   * A vocabulary from an explicit token list, in that order after the four specials (duplicates
   * and specials in the list are skipped).
   *
   * @example
   * ```ts
   * const vocab = Vocabulary.fromTokens(['le', 'gros', 'chien', 'rouge']);
   * vocab.encode('le chien rouge');           // [4, 6, 7]
   * ```
   */
  static fromTokens(tokens: readonly string[], options: VocabularyOptions = {}): Vocabulary {
    const where = 'Vocabulary.fromTokens';
    const { level = 'word', lowercase = false } = options;
    checkLevel(where, level);
    if (!Array.isArray(tokens)) {
      throw new TypeError(`${where}: tokens must be an array of strings; got ${typeof tokens}`);
    }
    tokens.forEach((token, i) => {
      if (typeof token !== 'string' || token.length === 0) {
        throw new TypeError(
          `${where}: tokens[${i}] must be a non-empty string; got ${JSON.stringify(token)}`,
        );
      }
    });
    return new Vocabulary(tokens, level, lowercase, resolveSpecials(where, options.specials));
  }

  /**
   * Reads what {@link Vocabulary.toJSON} wrote (the object, or its JSON text).
   *
   * @example
   * ```ts
   * const vocab = Vocabulary.fromCorpus('the big red dog');
   * const copy = Vocabulary.fromJSON(JSON.stringify(vocab));
   * copy.encode('red dog');                   // [6, 5]
   * ```
   * @throws TypeError when the data is not a saved vocabulary, naming the field at fault
   */
  static fromJSON(json: VocabularyJSON | string): Vocabulary {
    const where = 'Vocabulary.fromJSON';
    const data = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<VocabularyJSON>;
    if (data === null || typeof data !== 'object' || data.format !== 'seqgrad.vocabulary') {
      const got = data === null || typeof data !== 'object' ? data : data.format;
      throw new TypeError(
        `${where}: format must be 'seqgrad.vocabulary'; got ${JSON.stringify(got)}`,
      );
    }
    if (data.version !== 1) {
      throw new TypeError(`${where}: version must be 1; got ${JSON.stringify(data.version)}`);
    }
    const level = checkLevel(where, data.level);
    if (typeof data.lowercase !== 'boolean') {
      throw new TypeError(
        `${where}: lowercase must be a boolean; got ${JSON.stringify(data.lowercase)}`,
      );
    }
    const specials = resolveSpecials(where, data.specials);
    const tokens = data.tokens;
    if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) {
      throw new TypeError(`${where}: tokens must be an array of strings`);
    }
    SPECIAL_ORDER.forEach((role, id) => {
      if (tokens[id] !== specials[role]) {
        throw new TypeError(
          `${where}: tokens[${id}] must be specials.${role}; expected ${JSON.stringify(specials[role])}, got ${JSON.stringify(tokens[id])}`,
        );
      }
    });
    const vocab = new Vocabulary(tokens.slice(4), level, data.lowercase, specials);
    if (vocab.size !== tokens.length) {
      throw new TypeError(
        `${where}: tokens has duplicates; expected ${tokens.length} different strings, got ${vocab.size}`,
      );
    }
    return vocab;
  }

  /** The number of tokens, the four specials included (the `numClasses` of {@link oneHot}). */
  get size(): number {
    return this.#tokens.length;
  }

  /** Every token in id order (a fresh array). */
  get tokens(): string[] {
    return this.#tokens.slice();
  }

  /** True when `token` (after lowercasing, if the vocabulary lowercases) has its own id. */
  has(token: string): boolean {
    return this.#lookup(token) !== undefined;
  }

  /**
   * The id of `token` (lowercased first if the vocabulary lowercases); {@link Vocabulary.unkId}
   * for a token it does not know.
   */
  idOf(token: string): number {
    return this.#lookup(token) ?? this.unkId;
  }

  /**
   * The token with id `id`.
   * @throws RangeError for an id that is not an integer in [0, size)
   */
  tokenOf(id: number): string {
    return this.#tokens[this.#checkId('Vocabulary.tokenOf', 'id', id)] as string;
  }

  /** True for the ids of pad, bos, eos and unk (0–3). */
  isSpecial(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < SPECIAL_ORDER.length;
  }

  /**
   * Splits `text` into tokens as the vocabulary does (lowercasing if it lowercases). A special's
   * string in word-level text stays one token.
   */
  tokenize(text: string): string[] {
    if (typeof text !== 'string') {
      throw new TypeError(`Vocabulary.tokenize: text must be a string; got ${typeof text}`);
    }
    return splitText(text, this.level, this.lowercase, this.#specialSet);
  }

  /** The ids of `text`'s tokens, unknown ones as {@link Vocabulary.unkId}, optionally between bos and eos. */
  encode(text: string, { addBos = false, addEos = false }: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') {
      throw new TypeError(`Vocabulary.encode: text must be a string; got ${typeof text}`);
    }
    const ids = this.tokenize(text).map((token) => this.#ids.get(token) ?? this.unkId);
    if (addBos) ids.unshift(this.bosId);
    if (addEos) ids.push(this.eosId);
    return ids;
  }

  /**
   * The text of `ids`: tokens joined by a space at word level, by nothing at character level.
   *
   * @param ids - `(T)` ids, as an array, a typed array or a rank-1 Tensor
   * @throws RangeError naming the first id outside [0, size)
   * @throws {@link ShapeError} for a Tensor that is not rank 1
   */
  decode(ids: ArrayLike<number> | Tensor, { skipSpecial = true }: DecodeOptions = {}): string {
    const where = 'Vocabulary.decode';
    const values = ids instanceof Tensor ? tensorValues(where, ids) : ids;
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      throw new TypeError(`${where}: ids must be an array of integers; got ${typeof ids}`);
    }
    const parts: string[] = [];
    for (let i = 0; i < values.length; i++) {
      const id = this.#checkId(where, `ids[${i}]`, values[i] as number);
      if (skipSpecial && id !== this.unkId && this.isSpecial(id)) continue;
      parts.push(this.#tokens[id] as string);
    }
    return parts.join(this.level === 'word' ? ' ' : '');
  }

  /** The vocabulary as plain JSON data; `JSON.stringify(vocab)` calls it. */
  toJSON(): VocabularyJSON {
    return {
      format: 'seqgrad.vocabulary',
      version: 1,
      level: this.level,
      lowercase: this.lowercase,
      specials: { ...this.specials },
      tokens: this.tokens,
    };
  }

  #lookup(token: string): number | undefined {
    const exact = this.#ids.get(token);
    if (exact !== undefined || !this.lowercase) return exact;
    return this.#ids.get(token.toLowerCase());
  }

  #checkId(where: string, arg: string, id: number): number {
    if (!Number.isInteger(id) || id < 0 || id >= this.#tokens.length) {
      const what = Number.isInteger(id) ? 'out of range' : 'not an integer';
      throw new RangeError(
        `${where}: ${arg} is ${what}; expected an integer in [0, ${this.#tokens.length}), got ${id}`,
      );
    }
    return id;
  }
}

/**
 * Word level: whitespace-separated pieces. Char level: code points, so an emoji or an accented
 * letter written as one code point stays one token. Specials are matched before lowercasing, so
 * `'<PAD>'` stays the special it names.
 */
function splitText(
  text: string,
  level: TokenLevel,
  lowercase: boolean,
  specials: ReadonlySet<string>,
): string[] {
  if (level === 'char') return Array.from(lowercase ? text.toLowerCase() : text);
  const words = text.split(/\s+/).filter((word) => word.length > 0);
  if (!lowercase) return words;
  return words.map((word) => (specials.has(word) ? word : word.toLowerCase()));
}

function tensorValues(where: string, ids: Tensor): ArrayLike<number> {
  if (ids.ndim !== 1) {
    throw new ShapeError(
      `${where}: ids has rank ${ids.ndim}; expected (T), got ${formatShape(ids.shape)}`,
    );
  }
  const flat = contiguous(ids.data);
  return flat.data.subarray(flat.offset, flat.offset + flat.size);
}
