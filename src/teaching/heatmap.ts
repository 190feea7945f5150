/**
 * Attention weights as pictures: a standalone SVG heatmap for slides and notebooks, and a
 * block-character one for the terminal. Rows are queries (targets), columns are keys (sources).
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { formatShape, ShapeError } from '../errors.js';

/** `(T, S)` weights: a Tensor or nested arrays; row i holds query i's weights over the S keys. */
export type HeatmapWeights = Tensor | readonly (readonly number[])[];

/** Options of {@link attentionHeatmapText}. */
export interface HeatmapTextOptions {
  /** T labels, one per row: the queries or target tokens (default `'0'`, `'1'`, …). */
  rowLabels?: readonly string[];
  /** S labels, one per column: the keys or source tokens (default `'0'`, `'1'`, …). */
  columnLabels?: readonly string[];
  /** A heading above the grid. */
  title?: string;
  /** The value shown at full strength (default 1, right for attention weights); values are clamped to [0, maxValue]. */
  maxValue?: number;
}

/** Options of {@link attentionHeatmapSvg}. */
export interface HeatmapSvgOptions extends HeatmapTextOptions {
  /** The side of a cell in pixels (default 48). */
  cellSize?: number;
  /** The colour of `maxValue`, as `'#rrggbb'` or `'#rgb'` (default `'#08519c'`); 0 is white. */
  colour?: string;
  /** Print each weight in its cell (default true). */
  showValues?: boolean;
  /** Digits after the point for printed weights (default 2). */
  decimals?: number;
}

/** Lowest to highest: one shade per fifth of [0, maxValue]. */
const SHADES = ['·', '░', '▒', '▓', '█'] as const;

/**
 * An attention map as a standalone SVG document (no scripts, no stylesheets, no fonts to load):
 * cell (i, j) is shaded from white (0) to `colour` (`maxValue`) by how much query i attends to
 * key j, with the weight printed inside and a tooltip naming both tokens. Labels are escaped
 * for XML. Write the string to a `.svg` file or put it in HTML.
 *
 * @param weights - `(T, S)`, e.g. `output.weights.select(0, b)` of {@link MultiHeadAttention}
 * @example
 * ```ts
 * const weights = [
 *   [0.1, 0.9, 0, 0],     // le  → big
 *   [0.05, 0.4, 0.55, 0], // gros
 *   [0.16, 0.09, 0.15, 0.66],
 * ];
 * const svg = attentionHeatmapSvg(weights, {
 *   rowLabels: ['le', 'gros', 'chien'],
 *   columnLabels: ['The', 'big', 'red', 'dog'],
 *   title: 'Encoder-decoder attention',
 * });
 * svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'); // true
 * svg.split('class="cell"').length - 1;                       // 12
 * ```
 * @throws {@link ShapeError} if `weights` is not `(T, S)` or a label list's length is not T or S
 * @throws RangeError for a non-finite weight or a malformed `colour`
 */
export function attentionHeatmapSvg(
  weights: HeatmapWeights,
  options: HeatmapSvgOptions = {},
): string {
  const where = 'attentionHeatmapSvg';
  const grid = readGrid(where, weights, options);
  const { rows, columns, values, T, S } = grid;
  const { cellSize = 48, colour = '#08519c', showValues = true, decimals = 2 } = options;
  if (!(Number.isFinite(cellSize) && cellSize > 0)) {
    throw new RangeError(`${where}: cellSize must be a positive number; got ${String(cellSize)}`);
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 10) {
    throw new RangeError(
      `${where}: decimals must be an integer in [0, 10]; got ${String(decimals)}`,
    );
  }
  const full = parseColour(where, colour);
  const fontSize = Math.min(16, Math.max(9, Math.round(cellSize * 0.3)));
  const charWidth = 0.6 * fontSize; // a sans-serif average; labels are measured, not rendered
  const gap = fontSize * 0.6;
  const longest = (labels: readonly string[]) =>
    labels.reduce((m, l) => Math.max(m, [...l].length), 0) * charWidth;
  const upright = longest(columns) <= cellSize - 4;
  const titleHeight = grid.title ? fontSize * 2 : 0;
  const columnHeight = upright ? fontSize * 1.6 : longest(columns) * Math.SQRT1_2 + fontSize * 1.6;
  const left = gap + longest(rows) + gap;
  const top = titleHeight + columnHeight;
  const slant = upright ? 0 : Math.max(0, longest(columns) * Math.SQRT1_2 - cellSize / 2);
  const titleWidth = grid.title ? gap + [...grid.title].length * charWidth * 1.1 + gap : 0; // bold
  const width = round(Math.max(left + S * cellSize + gap + slant, titleWidth));
  const height = round(top + T * cellSize + gap);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${fontSize}">`,
  ];
  if (grid.title) parts.push(`<title>${escapeXml(grid.title)}</title>`);
  parts.push(`<rect class="background" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (grid.title) {
    parts.push(
      `<text class="title" x="${round(gap)}" y="${round(fontSize * 1.4)}" font-weight="bold">${escapeXml(grid.title)}</text>`,
    );
  }
  parts.push('<g class="column-labels">');
  columns.forEach((label, j) => {
    const x = round(left + (j + 0.5) * cellSize);
    const y = round(top - fontSize * 0.5);
    const placement = upright
      ? `x="${x}" y="${y}" text-anchor="middle"`
      : `x="${x}" y="${y}" transform="rotate(-45 ${x} ${y})"`;
    parts.push(`<text ${placement}>${escapeXml(label)}</text>`);
  });
  parts.push('</g>', '<g class="row-labels">');
  rows.forEach((label, i) => {
    const y = round(top + (i + 0.5) * cellSize + fontSize * 0.35);
    parts.push(
      `<text x="${round(left - gap)}" y="${y}" text-anchor="end">${escapeXml(label)}</text>`,
    );
  });
  parts.push('</g>', '<g class="cells">');
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < S; j++) {
      const value = values[i * S + j] as number;
      const strength = clamp01(value / grid.maxValue);
      const fill = mix(full, strength);
      const x = round(left + j * cellSize);
      const y = round(top + i * cellSize);
      const tip = `${rows[i]} → ${columns[j]}: ${value.toFixed(decimals)}`;
      parts.push(
        `<rect class="cell" x="${x}" y="${y}" width="${round(cellSize)}" height="${round(cellSize)}" fill="${toHex(fill)}" stroke="#d9d9d9" stroke-width="0.5"><title>${escapeXml(tip)}</title></rect>`,
      );
      if (showValues) {
        // 0.179 is where white and near-black text have equal contrast (WCAG's formula).
        const ink = luminance(fill) < 0.179 ? '#ffffff' : '#1a1a1a';
        parts.push(
          `<text class="value" x="${round(x + cellSize / 2)}" y="${round(y + cellSize / 2 + fontSize * 0.35)}" text-anchor="middle" fill="${ink}">${value.toFixed(decimals)}</text>`,
        );
      }
    }
  }
  parts.push('</g>', '</svg>');
  return `${parts.join('\n')}\n`;
}

/**
 * An attention map for the terminal: one block-character shade per cell (`·` for the lowest fifth
 * of [0, maxValue], then `░ ▒ ▓ █`), labels aligned, and each row's largest weight (the first, if
 * tied) named at the end of the row (`← dog 0.91`), followed by a legend.
 *
 * @param weights - `(T, S)`
 * @example
 * ```ts
 * const text = attentionHeatmapText([[0.71, 0.04, 0.07, 0.18], [0.01, 0.84, 0.02, 0.13]], {
 *   rowLabels: ['The', 'big'],
 *   columnLabels: ['The', 'big', 'red', 'dog'],
 * });
 * text.split('\n')[1];  // 'The  ▓▓▓ ··· ··· ···  ← The 0.71'
 * text.split('\n')[2];  // 'big  ··· ███ ··· ···  ← big 0.84'
 * ```
 * @throws {@link ShapeError} if `weights` is not `(T, S)` or a label list's length is not T or S
 * @throws RangeError for a non-finite weight
 */
export function attentionHeatmapText(
  weights: HeatmapWeights,
  options: HeatmapTextOptions = {},
): string {
  const grid = readGrid('attentionHeatmapText', weights, options);
  const { values, T, S, maxValue } = grid;
  const rows = grid.rows.map(oneLine);
  const columns = grid.columns.map(oneLine);
  const labelWidth = rows.reduce((m, l) => Math.max(m, width(l)), 0);
  const cellWidth = columns.reduce((m, l) => Math.max(m, width(l)), 3);
  const lines: string[] = [];
  if (grid.title) lines.push(oneLine(grid.title));
  lines.push(
    `${' '.repeat(labelWidth)}  ${columns.map((l) => padEnd(l, cellWidth)).join(' ')}`.trimEnd(),
  );
  for (let i = 0; i < T; i++) {
    let best = 0;
    const cells: string[] = [];
    for (let j = 0; j < S; j++) {
      const value = values[i * S + j] as number;
      if (value > (values[i * S + best] as number)) best = j;
      const level = Math.min(
        SHADES.length - 1,
        Math.floor(clamp01(value / maxValue) * SHADES.length),
      );
      cells.push((SHADES[level] as string).repeat(cellWidth));
    }
    const peak = (values[i * S + best] as number).toFixed(2);
    lines.push(
      `${padEnd(rows[i] as string, labelWidth)}  ${cells.join(' ')}  ← ${columns[best]} ${peak}`,
    );
  }
  const step = maxValue / SHADES.length;
  const legend = SHADES.map((shade, k) =>
    k < SHADES.length - 1 ? `${shade} <${fmt((k + 1) * step)}` : `${shade} ≥${fmt(k * step)}`,
  );
  lines.push(legend.join('  '));
  return `${lines.join('\n')}\n`;
}

interface Grid {
  values: Float64Array; // (T·S) row-major
  T: number;
  S: number;
  rows: readonly string[];
  columns: readonly string[];
  title: string | undefined;
  maxValue: number;
}

/** Checks and flattens the weights, and matches the labels to their sizes. */
function readGrid(where: string, weights: HeatmapWeights, options: HeatmapTextOptions): Grid {
  let nested: unknown = weights;
  if (weights instanceof Tensor) {
    if (weights.ndim !== 2) {
      throw new ShapeError(
        `${where}: weights has rank ${weights.ndim}; expected (T, S), got ${formatShape(weights.shape)}${weights.ndim === 3 ? ' (pick one example: weights.select(0, b))' : ''}`,
      );
    }
    nested = weights.toArray();
  }
  if (!Array.isArray(nested) || !nested.every(Array.isArray)) {
    throw new TypeError(`${where}: weights must be a (T, S) Tensor or an array of rows of numbers`);
  }
  const T = nested.length;
  const S = T > 0 ? (nested[0] as unknown[]).length : 0;
  if (T === 0 || S === 0) {
    throw new ShapeError(
      `${where}: weights is empty; expected (T, S) with T, S >= 1, got [${T}, ${S}]`,
    );
  }
  const values = new Float64Array(T * S);
  nested.forEach((row: unknown[], i) => {
    if (row.length !== S) {
      throw new ShapeError(
        `${where}: weights is ragged at weights[${i}]; expected length S=${S}, got length ${row.length}`,
      );
    }
    row.forEach((value, j) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new RangeError(
          `${where}: weights[${i}][${j}] must be a finite number; got ${String(value)}`,
        );
      }
      values[i * S + j] = value;
    });
  });
  const { maxValue = 1, title } = options;
  if (!(Number.isFinite(maxValue) && maxValue > 0)) {
    throw new RangeError(`${where}: maxValue must be a positive number; got ${String(maxValue)}`);
  }
  return {
    values,
    T,
    S,
    rows: checkLabels(where, 'rowLabels', options.rowLabels, 'T', T, S),
    columns: checkLabels(where, 'columnLabels', options.columnLabels, 'S', S, T),
    title,
    maxValue,
  };
}

function checkLabels(
  where: string,
  arg: string,
  labels: readonly string[] | undefined,
  letter: 'T' | 'S',
  count: number,
  other: number,
): readonly string[] {
  if (labels === undefined) return Array.from({ length: count }, (_, i) => String(i));
  if (!Array.isArray(labels)) {
    throw new TypeError(`${where}: ${arg} must be an array of strings; got ${typeof labels}`);
  }
  const shape = formatShape(letter === 'T' ? [count, other] : [other, count]);
  if (labels.length !== count) {
    throw new ShapeError(
      `${where}: ${arg} has ${labels.length} labels; expected ${letter}=${count} (one per ${letter === 'T' ? 'row' : 'column'} of weights ${shape}), got ${labels.length}`,
    );
  }
  const bad = labels.findIndex((l) => typeof l !== 'string');
  if (bad >= 0) {
    throw new TypeError(`${where}: ${arg}[${bad}] must be a string; got ${typeof labels[bad]}`);
  }
  return labels;
}

/**
 * Text safe inside an XML element or a double-quoted attribute. Characters XML 1.0 forbids even
 * as references (controls other than tab and newlines, lone surrogates) become U+FFFD.
 */
function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point; XML 1.0 forbids them
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

type Rgb = readonly [number, number, number];

function parseColour(where: string, colour: string): Rgb {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(colour);
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  const match = long ?? (short ? short.map((h) => h + h) : null);
  if (typeof colour !== 'string' || !match) {
    throw new RangeError(
      `${where}: colour must be a hex colour such as '#08519c' or '#c33'; got ${JSON.stringify(colour)}`,
    );
  }
  return [1, 2, 3].map((k) => Number.parseInt(match[k] as string, 16)) as unknown as Rgb;
}

/** White at 0, `full` at 1, linear in between. */
function mix(full: Rgb, strength: number): Rgb {
  return full.map((c) => Math.round(255 + (c - 255) * strength)) as unknown as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Relative luminance (sRGB, ITU-R BT.709 weights), to pick dark or light ink. */
function luminance([r, g, b]: Rgb): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function fmt(x: number): string {
  return String(Number(x.toFixed(3)));
}

/** Labels on one terminal line: tabs and newlines become spaces. */
function oneLine(label: string): string {
  return label.replace(/\s/g, ' ');
}

/** Width in code points (a fair terminal width for Latin, Greek, Cyrillic, accented text). */
function width(text: string): number {
  return [...text].length;
}

function padEnd(text: string, size: number): string {
  return text + ' '.repeat(Math.max(0, size - width(text)));
}
