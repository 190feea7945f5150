/**
 * The safetensors format (https://github.com/huggingface/safetensors), by hand: an 8-byte
 * little-endian header length N, N bytes of JSON header padded with spaces to a multiple of 8,
 * then every tensor's little-endian bytes, packed without gaps. Only F32 and F64 are supported.
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { formatShape } from '../errors.js';
import { contiguous, wrap } from '../ndarray/ndarray.js';
import type { Module } from '../nn/module.js';

/** What {@link saveSafetensors} accepts: a module (its state dict is saved) or a state dict. */
export type SafetensorsSource = Module | Record<string, Tensor>;

/** What {@link readSafetensors} returns: the tensors and the file's `__metadata__`. */
export interface SafetensorsContents {
  /** The tensors by name, in the header's order; own properties only, safe for any name. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` (string to string); empty when the file has none. */
  metadata: Record<string, string>;
}

/** The same limit as the reference implementation: a bigger header is a corrupt file. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';
const SUPPORTED = new Map<string, { width: 4 | 8 }>([
  ['F32', { width: 4 }],
  ['F64', { width: 8 }],
]);
/** safetensors dtypes that exist but that seqgrad cannot hold (it stores float32 and float64). */
const UNSUPPORTED = new Set(
  'BOOL U8 I8 I16 U16 I32 U32 I64 U64 F16 BF16 F8_E4M3 F8_E5M2 F8_E8M0 F6_E2M3 F6_E3M2 F4 C64'.split(
    ' ',
  ),
);
const SPACE = 0x20;

/**
 * Serializes a module's state dict (or a state dict) in the safetensors format, which PyTorch
 * reads with `safetensors.torch.load_file` and `load_state_dict`. Keys are the state-dict keys in
 * order; each tensor is stored as F32 or F64 according to its dtype (strided views are written
 * in row-major order).
 *
 * @param source - a {@link Module} or a `{ key: Tensor }` record
 * @param metadata - optional `__metadata__` strings, such as `{ format: 'pt' }`
 * @returns the file's bytes
 * @throws TypeError if a value is not a Tensor or a metadata value is not a string; Error if a
 *   key is `__metadata__`
 *
 * @example
 * ```ts
 * const bytes = saveSafetensors(new Linear(3, 2), { format: 'pt' });
 * bytes.length; // 192
 * Object.keys(loadSafetensors(bytes)); // ['weight', 'bias']
 * ```
 */
export function saveSafetensors(
  source: SafetensorsSource,
  metadata?: Record<string, string>,
): Uint8Array {
  const where = 'saveSafetensors';
  const entries = stateEntries(where, source);
  const fields: string[] = [];
  if (metadata !== undefined) fields.push(`"${METADATA_KEY}":${metadataJSON(where, metadata)}`);
  let offset = 0;
  for (const [name, t] of entries) {
    const width = t.dtype === 'float64' ? 8 : 4;
    const end = offset + t.size * width;
    fields.push(
      `${JSON.stringify(name)}:{"dtype":"${width === 8 ? 'F64' : 'F32'}","shape":${JSON.stringify(t.data.shape)},"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const header = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerLength = Math.ceil(header.length / 8) * 8; // the data starts 8-byte aligned
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(header, 8);
  out.fill(SPACE, 8 + header.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const [, t] of entries) {
    const array = contiguous(t.data);
    const { data, offset: start } = array;
    // DataView writes little-endian on every platform, at any byte offset.
    if (t.dtype === 'float64') {
      for (let i = 0; i < t.size; i++, position += 8)
        view.setFloat64(position, data[start + i] as number, true);
    } else {
      for (let i = 0; i < t.size; i++, position += 4)
        view.setFloat32(position, data[start + i] as number, true);
    }
  }
  return out;
}

/**
 * Reads a safetensors file into `{ key: Tensor }`, ready for {@link Module.loadStateDict}. The
 * whole file is validated before any tensor is made (header length, UTF-8, JSON, dtypes, shapes,
 * offsets: in range, consistent with shape × dtype size, not overlapping, no gaps), so a bad
 * file throws an Error that names the problem and the tensor, and returns nothing. The tensors
 * are copies: they never alias `bytes`.
 *
 * @param bytes - the file's contents (a Node `Buffer` is a Uint8Array)
 * @returns the tensors by name, in the file's order
 * @throws Error (RangeError for an absurd header length, TypeError for a wrong argument) whose
 *   message starts with `loadSafetensors:`, for every malformed or unsupported file
 *
 * @example
 * ```ts
 * const bytes = saveSafetensors({ w: tensor([[1, 2], [3, 4]], { dtype: 'float64' }) });
 * const { w } = loadSafetensors(bytes);
 * w?.dtype; // 'float64'
 * w?.toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  return decode('loadSafetensors', bytes).tensors;
}

/**
 * Like {@link loadSafetensors}, and also returns the header's `__metadata__`.
 *
 * @param bytes - the file's contents
 * @returns `{ tensors, metadata }`
 * @throws Error whose message starts with `readSafetensors:`, as {@link loadSafetensors}
 *
 * @example
 * ```ts
 * const bytes = saveSafetensors({ bias: zeros([3]) }, { format: 'pt', step: '100' });
 * readSafetensors(bytes).metadata.step; // '100'
 * ```
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer): SafetensorsContents {
  return decode('readSafetensors', bytes);
}

function stateEntries(where: string, source: SafetensorsSource): Array<[string, Tensor]> {
  if (typeof source !== 'object' || source === null) {
    throw new TypeError(`${where}: expected a Module or a state dict; got ${String(source)}`);
  }
  // Duck-typed rather than instanceof, so a Module from another copy of the library works too.
  const state =
    typeof (source as { stateDict?: unknown }).stateDict === 'function'
      ? (source as Module).stateDict()
      : (source as Record<string, Tensor>);
  const entries = Object.entries(state);
  for (const [name, value] of entries) {
    if (name === METADATA_KEY) {
      throw new Error(`${where}: '${METADATA_KEY}' is reserved for metadata; rename that tensor`);
    }
    if (!(value instanceof Tensor)) {
      throw new TypeError(`${where}: '${name}' must be a Tensor; got ${describe(value)}`);
    }
  }
  return entries;
}

function metadataJSON(where: string, metadata: Record<string, string>): string {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new TypeError(
      `${where}: metadata must be an object of strings; got ${describe(metadata)}`,
    );
  }
  const pairs = Object.entries(metadata).map(([key, value]) => {
    if (typeof value !== 'string') {
      throw new TypeError(
        `${where}: metadata '${key}' must be a string (safetensors stores strings only); got ${describe(value)}`,
      );
    }
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  return `{${pairs.join(',')}}`;
}

interface Entry {
  name: string;
  width: 4 | 8;
  shape: number[];
  begin: number;
  end: number;
}

function decode(where: string, input: Uint8Array | ArrayBuffer): SafetensorsContents {
  const bytes =
    input instanceof Uint8Array
      ? input
      : input instanceof ArrayBuffer
        ? new Uint8Array(input)
        : null;
  if (bytes === null) {
    throw new TypeError(
      `${where}: bytes must be a Uint8Array or an ArrayBuffer; got ${describe(input)}`,
    );
  }
  if (bytes.length < 8) {
    throw new Error(
      `${where}: the file has ${bytes.length} bytes; a safetensors file starts with an 8-byte header length`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    throw new RangeError(
      `${where}: header length ${declared} is over the limit of ${MAX_HEADER_BYTES} bytes; the file is corrupt or not safetensors`,
    );
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.length) {
    throw new Error(
      `${where}: header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`,
    );
  }
  const header = parseHeader(where, bytes.subarray(8, 8 + headerLength));
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const entries: Entry[] = [];
  const metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      for (const [key, value] of Object.entries(checkMetadata(where, info))) {
        define(metadata, key, value);
      }
    } else {
      entries.push(checkEntry(where, name, info, dataLength));
    }
  }
  checkLayout(where, entries, dataLength);
  const tensors: Record<string, Tensor> = {};
  for (const { name, width, shape, begin, end } of entries) {
    const count = (end - begin) / width;
    const at = dataStart + begin;
    // Read through the DataView: little-endian on every platform, and no typed array is ever
    // built at an unaligned offset of the caller's buffer (which would throw, or alias it).
    const values = width === 8 ? new Float64Array(count) : new Float32Array(count);
    if (width === 8) for (let i = 0; i < count; i++) values[i] = view.getFloat64(at + 8 * i, true);
    else for (let i = 0; i < count; i++) values[i] = view.getFloat32(at + 4 * i, true);
    define(tensors, name, new Tensor(wrap(values, shape)));
  }
  return { tensors, metadata };
}

function parseHeader(where: string, raw: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    throw new Error(`${where}: the header is not valid UTF-8`);
  }
  let parsed: unknown;
  try {
    // JSON.parse makes '__proto__' an own data property, never the prototype.
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: the header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${where}: the header must be a JSON object; got ${describe(parsed)}`);
  }
  return parsed as Record<string, unknown>;
}

function checkMetadata(where: string, info: unknown): Record<string, string> {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    throw new Error(
      `${where}: ${METADATA_KEY} must be an object of strings; got ${describe(info)}`,
    );
  }
  for (const [key, value] of Object.entries(info)) {
    if (typeof value !== 'string') {
      throw new Error(
        `${where}: ${METADATA_KEY} '${shorten(key)}' must be a string; got ${describe(value)}`,
      );
    }
  }
  return info as Record<string, string>;
}

function checkEntry(where: string, name: string, info: unknown, dataLength: number): Entry {
  const tensor = `${where}: tensor '${shorten(name)}'`;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    throw new Error(
      `${tensor} must be an object with dtype, shape and data_offsets; got ${describe(info)}`,
    );
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string') {
    throw new Error(`${tensor} has dtype ${describe(dtype)}; expected a string such as "F32"`);
  }
  const kind = SUPPORTED.get(dtype);
  if (!kind) {
    throw new Error(
      UNSUPPORTED.has(dtype)
        ? `${tensor} has dtype ${dtype}, which seqgrad does not support (only F32 and F64); convert it before saving, e.g. with .float() in PyTorch`
        : `${tensor} has unknown dtype ${JSON.stringify(shorten(dtype))}; expected F32 or F64`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(
      `${tensor} has shape ${describe(shape)}; expected a list of non-negative integers`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  ) {
    throw new Error(
      `${tensor} has data_offsets ${describe(offsets)}; expected two non-negative integers [begin, end]`,
    );
  }
  const [begin, end] = offsets as [number, number];
  const at = `data_offsets [${begin}, ${end}]`;
  if (end < begin) throw new Error(`${tensor} has ${at}, which run backwards (end before begin)`);
  if (end > dataLength) {
    throw new Error(
      `${tensor} has ${at} past the end of the data (${dataLength} bytes after the header)`,
    );
  }
  const needed = shape.includes(0) ? 0 : shape.reduce((n: number, d: number) => n * d, kind.width);
  if (needed !== end - begin) {
    const size = needed > Number.MAX_SAFE_INTEGER ? 'more than 2^53' : String(needed);
    throw new Error(
      `${tensor} has ${at} but shape ${formatShape(shape)} of ${dtype} needs ${size} bytes`,
    );
  }
  return { name, width: kind.width, shape, begin, end };
}

/** Tensors must tile the data exactly: no overlaps, no gaps, nothing after the last one. */
function checkLayout(where: string, entries: readonly Entry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | null = null;
  for (const entry of sorted) {
    if (previous && entry.begin < covered) {
      throw new Error(
        `${where}: tensors '${shorten(previous.name)}' [${previous.begin}, ${previous.end}] and '${shorten(entry.name)}' [${entry.begin}, ${entry.end}] overlap`,
      );
    }
    if (entry.begin > covered) {
      throw new Error(
        `${where}: bytes [${covered}, ${entry.begin}) of the data belong to no tensor (a gap before '${shorten(entry.name)}')`,
      );
    }
    covered = entry.end;
    if (entry.end > entry.begin) previous = entry;
  }
  if (covered !== dataLength) {
    throw new Error(
      `${where}: the data has ${dataLength - covered} bytes after the last tensor (${dataLength} bytes, tensors cover ${covered})`,
    );
  }
}

/** Sets an own, enumerable property, even for names such as `__proto__` (never the prototype). */
function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value instanceof Tensor) return value.toString();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    if (name && name !== 'Object') return `a ${name}`;
  }
  try {
    return shorten(JSON.stringify(value) ?? String(value));
  } catch {
    return typeof value;
  }
}
