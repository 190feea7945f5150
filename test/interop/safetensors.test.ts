import { readFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  DecoderLayer,
  EncoderLayer,
  expand,
  Linear,
  LSTMCell,
  loadSafetensors,
  type NestedNumbers,
  narrow,
  readSafetensors,
  saveSafetensors,
  type Tensor,
  tensor,
  transpose,
  zeros,
} from '../../src/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { fromJSON, loadFixture, type TensorJSON } from '../helpers/fixtures.js';

// --- helpers -------------------------------------------------------------------------------

/** A safetensors file from a header given as JSON text (padded here) and the data bytes. */
function build(headerJSON: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const header = new TextEncoder().encode(headerJSON);
  const length = Math.ceil(header.length / 8) * 8;
  const out = new Uint8Array(8 + length + data.length).fill(0x20, 8, 8 + length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length), true);
  out.set(header, 8);
  out.set(data, 8 + length);
  return out;
}

function headerLength(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
}

function headerOf(bytes: Uint8Array): Record<string, Record<string, unknown>> {
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength(bytes)));
  return JSON.parse(text);
}

function dataOf(bytes: Uint8Array): Uint8Array {
  return bytes.slice(8 + headerLength(bytes));
}

/** Rewrites a valid file's header (parsed, mutated, re-encoded) and keeps its data. */
function mutateHeader(
  bytes: Uint8Array,
  change: (header: Record<string, Record<string, unknown>>) => void,
): Uint8Array {
  const header = headerOf(bytes);
  change(header);
  return build(JSON.stringify(header), dataOf(bytes));
}

/** The raw bytes of a tensor's values in row-major order (for bit-exact comparison). */
function bits(t: Tensor): Uint8Array {
  const values =
    t.dtype === 'float64' ? Float64Array.from(flatValues(t)) : Float32Array.from(flatValues(t));
  return new Uint8Array(values.buffer);
}

function flatValues(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (v: NestedNumbers): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(v);
  };
  walk(t.toArray());
  return out;
}

/** Flips one bit of byte `at`. */
function flip(bytes: Uint8Array, at: number, bit: number): void {
  bytes[at] = (bytes[at] as number) ^ (1 << bit);
}

const valid = () =>
  saveSafetensors({
    'linear1.weight': tensor(
      Float32Array.from({ length: 6 }, (_, i) => i / 7),
      { shape: [2, 3] },
    ),
    'linear1.bias': tensor([0.5, -0.25]),
    scale: tensor(new Float64Array([Math.PI]), { shape: [] }),
  });

const load = (bytes: Uint8Array) => () => loadSafetensors(bytes);

// --- round trips ---------------------------------------------------------------------------

describe('saveSafetensors / loadSafetensors round trip', () => {
  const specialF32 = [0, -0, 1, -1.5, 3.4028234663852886e38, 1.401298464324817e-45, 1e-40];
  const specialF64 = [0, -0, Math.PI, Number.MAX_VALUE, Number.MIN_VALUE, 2.2250738585072014e-308];

  it('keeps float32 values bit for bit', () => {
    const rng = seedrandom('f32');
    const values = Float32Array.from({ length: 60 }, () => (rng() - 0.5) * 10 ** (rng() * 20 - 10));
    values.set([...specialF32, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    const original = tensor(values, { shape: [3, 4, 5] });
    const { w } = loadSafetensors(saveSafetensors({ w: original }));
    expect(w?.dtype).toBe('float32');
    expect(w?.shape).toEqual([3, 4, 5]);
    expect(bits(w as Tensor)).toEqual(bits(original));
    expect(Object.is(flatValues(w as Tensor)[1], -0)).toBe(true);
  });

  it('keeps float64 values bit for bit', () => {
    const rng = seedrandom('f64');
    const values = Float64Array.from({ length: 35 }, () => (rng() - 0.5) * 10 ** (rng() * 200));
    values.set([...specialF64, Number.NaN]);
    const original = tensor(values, { shape: [5, 7] });
    const { w } = loadSafetensors(saveSafetensors({ w: original }));
    expect(w?.dtype).toBe('float64');
    expect(bits(w as Tensor)).toEqual(bits(original));
    expect(Number.isNaN(flatValues(w as Tensor)[specialF64.length])).toBe(true);
  });

  it('keeps the key order of a module and loads back into it with strict keys', () => {
    const layer = new DecoderLayer(12, 3, { dimFeedforward: 7, dropout: 0 });
    const loaded = loadSafetensors(saveSafetensors(layer));
    expect(Object.keys(loaded)).toEqual(Object.keys(layer.stateDict()));
    expect(Object.keys(loaded)).toHaveLength(18);
    const copy = new DecoderLayer(12, 3, { dimFeedforward: 7, dropout: 0 }).loadStateDict(loaded);
    for (const [key, t] of Object.entries(layer.stateDict())) {
      expect(bits(copy.stateDict()[key] as Tensor), key).toEqual(bits(t));
    }
  });

  it('keeps the metadata, and reports none when there is none', () => {
    const metadata = { format: 'pt', note: 'ünïcode ✓', empty: '' };
    const bytes = saveSafetensors({ b: zeros([2]) }, metadata);
    expect(readSafetensors(bytes).metadata).toEqual(metadata);
    expect(headerOf(bytes).__metadata__).toEqual(metadata);
    expect(readSafetensors(saveSafetensors({ b: zeros([2]) })).metadata).toEqual({});
    expect(headerOf(saveSafetensors({ b: zeros([2]) }))).not.toHaveProperty('__metadata__');
  });

  it('writes a correct header: 8-aligned, space-padded, F32/F64 per tensor, packed offsets', () => {
    const bytes = saveSafetensors(
      { a: zeros([2, 3]), b: zeros([3], { dtype: 'float64' }), c: zeros([0, 4]), d: zeros([]) },
      { k: 'v' },
    );
    const n = headerLength(bytes);
    expect(n % 8).toBe(0);
    expect(bytes[8]).toBe('{'.charCodeAt(0));
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text).toMatch(/^\{.*\} *$/); // JSON, then spaces only
    expect(headerOf(bytes)).toEqual({
      __metadata__: { k: 'v' },
      a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
      b: { dtype: 'F64', shape: [3], data_offsets: [24, 48] },
      c: { dtype: 'F32', shape: [0, 4], data_offsets: [48, 48] },
      d: { dtype: 'F32', shape: [], data_offsets: [48, 52] },
    });
    expect(bytes.length).toBe(8 + n + 52);
    for (let length = 1; length <= 8; length++) {
      const padded = saveSafetensors({ ['w'.repeat(length)]: zeros([1]) });
      expect(headerLength(padded) % 8, `name of ${length}`).toBe(0);
      expect(padded.length - headerLength(padded)).toBe(8 + 4);
    }
    const loaded = loadSafetensors(bytes);
    expect(loaded.c?.shape).toEqual([0, 4]);
    expect(loaded.d?.shape).toEqual([]);
  });

  it('writes the data little-endian', () => {
    const bytes = saveSafetensors({ x: tensor([1]), y: tensor(new Float64Array([1])) });
    expect([...dataOf(bytes)]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it('writes non-contiguous tensors in row-major order', () => {
    const base = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const loaded = loadSafetensors(
      saveSafetensors({
        transposed: transpose(base, 0, 1),
        expanded: expand(tensor([[7], [8]]), [2, 3]),
        narrowed: narrow(base, 1, 1, 2),
      }),
    );
    expect(loaded.transposed?.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(loaded.expanded?.toArray()).toEqual([
      [7, 7, 7],
      [8, 8, 8],
    ]);
    expect(loaded.narrowed?.toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
  });

  it('copies the tensors out: unaligned input works and never aliases it', () => {
    const bytes = valid();
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const view = shifted.subarray(1); // byteOffset 1: a Float32Array here would throw
    const loaded = loadSafetensors(view);
    const before = loaded['linear1.weight']?.toArray();
    shifted.fill(0xff, 1 + 8 + headerLength(bytes));
    expect(loaded['linear1.weight']?.toArray()).toEqual(before);
    expect(loadSafetensors(bytes.slice().buffer).scale?.item()).toBe(Math.PI);
    expect(loaded.scale?.item()).toBe(Math.PI);
  });

  it('rejects what it cannot save, naming it', () => {
    expect(() => saveSafetensors({ a: [1, 2] as unknown as Tensor })).toThrow(
      new TypeError("saveSafetensors: 'a' must be a Tensor; got [1,2]"),
    );
    expect(() => saveSafetensors({ __metadata__: zeros([1]) })).toThrow(
      /saveSafetensors: '__metadata__' is reserved for metadata/,
    );
    expect(() => saveSafetensors({ a: zeros([1]) }, { step: 3 as unknown as string })).toThrow(
      /saveSafetensors: metadata 'step' must be a string .*; got 3/,
    );
    expect(() => saveSafetensors(null as unknown as Record<string, Tensor>)).toThrow(
      /saveSafetensors: expected a Module or a state dict; got null/,
    );
  });
});

// --- PyTorch-written files -----------------------------------------------------------------

interface TorchFile {
  file: string;
  config: Record<string, number>;
  keys: string[];
  inputs: Record<string, TensorJSON>;
  outputs: Record<string, TensorJSON>;
}

const torchFile = (name: string) => {
  const fixture = loadFixture<TorchFile>(`safetensors_${name}`);
  const bytes = readFileSync(new URL(`../fixtures/torch/${fixture.file}`, import.meta.url));
  return { fixture, bytes };
};

describe('files written by PyTorch', () => {
  it('TransformerEncoderLayer (float32) loads into EncoderLayer and reproduces torch', () => {
    const { fixture, bytes } = torchFile('encoder_layer_f32');
    const { tensors, metadata } = readSafetensors(bytes);
    expect(metadata.format).toBe('pt');
    expect(Object.keys(tensors)).toEqual([...fixture.keys].sort()); // written in sorted order
    const layer = new EncoderLayer(12, 3, { dimFeedforward: 7, dropout: 0 }).eval();
    expect(Object.keys(layer.stateDict())).toEqual(fixture.keys);
    layer.loadStateDict(tensors, { strict: true });
    const src = fromJSON(fixture.inputs.src as TensorJSON, { dtype: 'float32' });
    const output = layer.forward(src);
    expect(output.dtype).toBe('float32');
    assertClose(output, fixture.outputs.output as TensorJSON, { atol: 1e-5, rtol: 1e-5 });
  });

  it('LSTMCell (float64) loads into LSTMCell and reproduces torch', () => {
    const { fixture, bytes } = torchFile('lstm_cell_f64');
    const cell = new LSTMCell(3, 5).to('float64').loadStateDict(loadSafetensors(bytes));
    const [x, h, c] = ['x', 'h', 'c'].map((k) => fromJSON(fixture.inputs[k] as TensorJSON));
    const [h1, c1] = cell.forward(x as Tensor, [h as Tensor, c as Tensor]);
    assertClose(h1, fixture.outputs.h as TensorJSON, { atol: 1e-12, rtol: 0 });
    assertClose(c1, fixture.outputs.c as TensorJSON, { atol: 1e-12, rtol: 0 });
  });

  it('a torch file fails strict loading into a module of another size, changing nothing', () => {
    const { bytes } = torchFile('lstm_cell_f64');
    const cell = new LSTMCell(4, 5).to('float64');
    const before = JSON.stringify(Object.values(cell.stateDict()).map((t) => t.toArray()));
    expect(() => cell.loadStateDict(loadSafetensors(bytes))).toThrow(
      /LSTMCell.loadStateDict: 'weight_ih' is \[20, 3\] in the checkpoint but \[20, 4\] in the module/,
    );
    expect(JSON.stringify(Object.values(cell.stateDict()).map((t) => t.toArray()))).toBe(before);
  });
});

// --- malformed files -----------------------------------------------------------------------

const entry = (dtype: unknown, shape: unknown, offsets: unknown) =>
  JSON.stringify({ dtype, shape, data_offsets: offsets });

describe('loadSafetensors rejects malformed files with a message naming the problem', () => {
  it('a file shorter than the 8-byte length', () => {
    expect(load(new Uint8Array(5))).toThrow(
      'loadSafetensors: the file has 5 bytes; a safetensors file starts with an 8-byte header length',
    );
  });

  it('a header length past the end of the file, or absurdly large', () => {
    const bytes = valid();
    const longer = bytes.slice();
    new DataView(longer.buffer).setBigUint64(0, BigInt(bytes.length), true);
    expect(load(longer)).toThrow(
      `loadSafetensors: header length ${bytes.length} runs past the end of the file (${bytes.length} bytes)`,
    );
    const huge = bytes.slice();
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n + 5n, true);
    expect(load(huge)).toThrow(RangeError);
    expect(load(huge)).toThrow(
      'loadSafetensors: header length 9223372036854775813 is over the limit of 100000000 bytes',
    );
    new DataView(huge.buffer).setBigUint64(0, 100_000_001n, true);
    expect(load(huge)).toThrow(/header length 100000001 is over the limit/);
  });

  it('a header that is not UTF-8, not JSON, or not an object', () => {
    const bytes = valid();
    const notUtf8 = bytes.slice();
    notUtf8[10] = 0xff;
    expect(load(notUtf8)).toThrow('loadSafetensors: the header is not valid UTF-8');
    const notJSON = bytes.slice();
    notJSON[8] = 'x'.charCodeAt(0);
    expect(load(notJSON)).toThrow(/^loadSafetensors: the header is not valid JSON \(/);
    expect(load(build('[1, 2]'))).toThrow(
      'loadSafetensors: the header must be a JSON object; got [1,2]',
    );
    expect(load(build('null'))).toThrow('loadSafetensors: the header must be a JSON object');
    expect(load(build(''))).toThrow(/the header is not valid JSON/);
  });

  it('metadata that is not an object of strings', () => {
    expect(load(build('{"__metadata__": {"epoch": 3}}'))).toThrow(
      "loadSafetensors: __metadata__ 'epoch' must be a string; got 3",
    );
    expect(load(build('{"__metadata__": ["a"]}'))).toThrow(
      'loadSafetensors: __metadata__ must be an object of strings; got ["a"]',
    );
  });

  it('an entry that is not an object', () => {
    expect(load(build('{"w": 5}'))).toThrow(
      "loadSafetensors: tensor 'w' must be an object with dtype, shape and data_offsets; got 5",
    );
  });

  it('unknown and unsupported dtypes, named', () => {
    for (const dtype of ['F16', 'BF16', 'I64', 'U8', 'BOOL']) {
      const bytes = mutateHeader(valid(), (h) => {
        (h['linear1.bias'] as Record<string, unknown>).dtype = dtype;
      });
      expect(load(bytes)).toThrow(
        `loadSafetensors: tensor 'linear1.bias' has dtype ${dtype}, which seqgrad does not support (only F32 and F64)`,
      );
    }
    const unknown = mutateHeader(valid(), (h) => {
      (h.scale as Record<string, unknown>).dtype = 'F128';
    });
    expect(load(unknown)).toThrow(
      `loadSafetensors: tensor 'scale' has unknown dtype "F128"; expected F32 or F64`,
    );
    expect(load(build(`{"w": ${entry(32, [1], [0, 4])}}`, new Uint8Array(4)))).toThrow(
      `loadSafetensors: tensor 'w' has dtype 32; expected a string such as "F32"`,
    );
    expect(load(build(`{"w": ${entry(undefined, [1], [0, 4])}}`, new Uint8Array(4)))).toThrow(
      `loadSafetensors: tensor 'w' has dtype nothing`,
    );
  });

  it('a shape that is not a list of non-negative integers', () => {
    for (const shape of [[2, -1], [1.5], 'abc', [null], [2 ** 53]]) {
      const bytes = build(`{"w": ${entry('F32', shape, [0, 4])}}`, new Uint8Array(4));
      expect(load(bytes), JSON.stringify(shape)).toThrow(
        `loadSafetensors: tensor 'w' has shape ${JSON.stringify(shape)}; expected a list of non-negative integers`,
      );
    }
    expect(load(build(`{"w": {"dtype": "F32", "data_offsets": [0, 4]}}`))).toThrow(
      "loadSafetensors: tensor 'w' has shape nothing",
    );
  });

  it('data_offsets that are not two non-negative integers', () => {
    for (const offsets of [[0], [0, 4, 8], [0, 1.5], [-4, 0], '0-4', [0, '4']]) {
      const bytes = build(`{"w": ${entry('F32', [1], offsets)}}`, new Uint8Array(4));
      expect(load(bytes), JSON.stringify(offsets)).toThrow(
        `loadSafetensors: tensor 'w' has data_offsets ${JSON.stringify(offsets)}; expected two non-negative integers [begin, end]`,
      );
    }
  });

  it('data_offsets that run backwards or past the end of the data', () => {
    expect(load(build(`{"w": ${entry('F32', [1], [8, 4])}}`, new Uint8Array(8)))).toThrow(
      "loadSafetensors: tensor 'w' has data_offsets [8, 4], which run backwards (end before begin)",
    );
    expect(load(build(`{"w": ${entry('F32', [3], [0, 12])}}`, new Uint8Array(8)))).toThrow(
      "loadSafetensors: tensor 'w' has data_offsets [0, 12] past the end of the data (8 bytes after the header)",
    );
  });

  it('data_offsets that disagree with shape × dtype size', () => {
    const bytes = build(`{"linear1.weight": ${entry('F32', [5, 6], [0, 96])}}`, new Uint8Array(96));
    expect(load(bytes)).toThrow(
      new Error(
        "loadSafetensors: tensor 'linear1.weight' has data_offsets [0, 96] but shape [5, 6] of F32 needs 120 bytes",
      ),
    );
    const f64 = mutateHeader(valid(), (h) => {
      (h.scale as Record<string, unknown>).dtype = 'F32';
    });
    expect(load(f64)).toThrow(
      "loadSafetensors: tensor 'scale' has data_offsets [32, 40] but shape [] of F32 needs 4 bytes",
    );
    const huge = build(`{"w": ${entry('F64', [2 ** 40, 2 ** 40], [0, 8])}}`, new Uint8Array(8));
    expect(load(huge)).toThrow(/needs more than 2\^53 bytes/);
  });

  it('tensors that overlap, leave gaps, or leave bytes unused', () => {
    const overlap = build(
      `{"a": ${entry('F32', [2], [0, 8])}, "b": ${entry('F32', [2], [4, 12])}}`,
      new Uint8Array(12),
    );
    expect(load(overlap)).toThrow("loadSafetensors: tensors 'a' [0, 8] and 'b' [4, 12] overlap");
    const same = build(
      `{"a": ${entry('F32', [2], [0, 8])}, "b": ${entry('F32', [2], [0, 8])}}`,
      new Uint8Array(8),
    );
    expect(load(same)).toThrow("loadSafetensors: tensors 'a' [0, 8] and 'b' [0, 8] overlap");
    const gap = build(
      `{"a": ${entry('F32', [1], [0, 4])}, "b": ${entry('F32', [1], [8, 12])}}`,
      new Uint8Array(12),
    );
    expect(load(gap)).toThrow(
      "loadSafetensors: bytes [4, 8) of the data belong to no tensor (a gap before 'b')",
    );
    const trailing = build(`{"a": ${entry('F32', [1], [0, 4])}}`, new Uint8Array(12));
    expect(load(trailing)).toThrow(
      'loadSafetensors: the data has 8 bytes after the last tensor (12 bytes, tensors cover 4)',
    );
  });

  it('a file truncated in its data', () => {
    const bytes = valid();
    expect(load(bytes.subarray(0, bytes.length - 4))).toThrow(
      "loadSafetensors: tensor 'scale' has data_offsets [32, 40] past the end of the data (36 bytes after the header)",
    );
  });

  it('input that is not bytes', () => {
    expect(() => loadSafetensors('abc' as unknown as Uint8Array)).toThrow(
      new TypeError('loadSafetensors: bytes must be a Uint8Array or an ArrayBuffer; got "abc"'),
    );
    expect(() => readSafetensors(new Uint8Array(3))).toThrow(/^readSafetensors: the file has 3/);
  });
});

// --- fuzzing, atomicity, prototype pollution -----------------------------------------------

describe('loadSafetensors on damaged input', () => {
  it('300 seeded mutations give a valid result or a loadSafetensors Error, quickly', () => {
    const rng = seedrandom('safetensors fuzz');
    const base = saveSafetensors(new Linear(4, 3), { format: 'pt' });
    const int = (n: number) => Math.floor(rng() * n);
    const outcomes = { loaded: 0, rejected: 0 };
    const kinds = new Set<string>();
    const started = Date.now();
    for (let i = 0; i < 300; i++) {
      let bytes = base.slice();
      const kind = int(6);
      const header = headerLength(base);
      if (kind === 0) {
        for (let k = 0; k <= int(4); k++)
          flip(bytes, 8 + header + int(bytes.length - 8 - header), int(8));
      } else if (kind === 1) {
        for (let k = 0; k <= int(3); k++) bytes[8 + int(header)] = int(256);
      } else if (kind === 2) {
        for (let k = 0; k <= int(4); k++) flip(bytes, int(bytes.length), int(8));
      } else if (kind === 3) {
        bytes = bytes.slice(0, int(bytes.length));
      } else if (kind === 4) {
        const choices = [
          BigInt(header + int(17) - 8),
          BigInt(int(2 ** 31)),
          2n ** 64n - 1n - BigInt(int(1000)),
          BigInt(int(bytes.length + 1)),
        ];
        new DataView(bytes.buffer).setBigUint64(0, choices[int(choices.length)] as bigint, true);
      } else {
        const extra = new Uint8Array(1 + int(16)).map(() => int(256));
        const at = int(bytes.length);
        bytes = new Uint8Array([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]);
      }
      const t0 = Date.now();
      try {
        const result = loadSafetensors(bytes);
        for (const value of Object.values(result)) expect(value.constructor.name).toBe('Tensor');
        outcomes.loaded++;
      } catch (error) {
        expect(error, `mutation ${i}`).toBeInstanceOf(Error);
        expect((error as Error).message, `mutation ${i}`).toMatch(/^loadSafetensors: /);
        kinds.add((error as Error).message.replace(/'[^']*'|\d+/g, '').slice(0, 30));
        outcomes.rejected++;
      }
      expect(Date.now() - t0, `mutation ${i} time`).toBeLessThan(500);
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcomes.loaded).toBeGreaterThan(30); // flips inside the data still load
    expect(outcomes.rejected).toBeGreaterThan(150);
    expect(kinds.size).toBeGreaterThanOrEqual(5); // several different checks fired
  });

  it('a corrupted file leaves the module it was meant for unchanged', () => {
    const layer = new Linear(4, 3);
    const snapshot = () => JSON.stringify(Object.values(layer.stateDict()).map((t) => t.toArray()));
    const before = snapshot();
    const other = saveSafetensors(new Linear(4, 3));
    const corrupt = other.slice(0, other.length - 1);
    expect(() => layer.loadStateDict(loadSafetensors(corrupt))).toThrow(/^loadSafetensors: /);
    const wrongShape = saveSafetensors({ weight: zeros([3, 4]), bias: zeros([4]) });
    expect(() => layer.loadStateDict(loadSafetensors(wrongShape))).toThrow(
      /'bias' is \[4\] in the checkpoint but \[3\] in the module/,
    );
    expect(snapshot()).toBe(before);
  });

  it('__proto__, constructor and prototype are plain keys and pollute nothing', () => {
    const names = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty'];
    const header = `{"__metadata__": {"__proto__": "meta", "polluted": "no"}, ${names
      .map((name, i) => `"${name}": ${entry('F32', [1], [4 * i, 4 * i + 4])}`)
      .join(', ')}}`;
    const data = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    const { tensors, metadata } = readSafetensors(build(header, data));
    expect(Object.keys(tensors)).toEqual(names);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(tensors, '__proto__')?.value.item()).toBe(1);
    expect(Object.getOwnPropertyDescriptor(tensors, 'constructor')?.value.item()).toBe(2);
    expect(Object.getOwnPropertyDescriptor(metadata, '__proto__')?.value).toBe('meta');
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(typeof ({} as { constructor: unknown }).constructor).toBe('function');
    // …and a state dict with those keys saves and loads back the same.
    const again = loadSafetensors(saveSafetensors(tensors));
    expect(Object.keys(again)).toEqual(names);
    expect(Object.getOwnPropertyDescriptor(again, '__proto__')?.value.item()).toBe(1);
    expect(Object.getPrototypeOf(again)).toBe(Object.prototype);
    // A module asked to load them reports unexpected keys instead of misbehaving.
    expect(() => new Linear(1, 1).loadStateDict(again)).toThrow(
      /unexpected keys \[__proto__, constructor, prototype, hasOwnProperty\]/,
    );
  });
});
