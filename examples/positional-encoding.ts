/**
 * The sinusoidal positional encoding of the course, as a picture. Attention alone ignores word
 * order, so each position gets a fixed vector added to its word's embedding:
 * PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)). Each pair of
 * dimensions is a clock turning at its own speed: the first ones tick every position, the last
 * ones barely move. This example draws the table, prints a few rows, and shows that the dot
 * product of two positions' vectors falls, with ripples, as they move apart, and depends only on
 * how far apart they are, not on where they are.
 *
 * Run: npx tsx examples/positional-encoding.ts [maxLen] [dModel]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { positionalEncodingTable } from 'seqgrad';

/** What a run computed, for the smoke test. */
export interface PositionalEncodingRun {
  /** `(maxLen, dModel)`: row p is the vector added at position p. */
  table: number[][];
  /** `(maxLen, maxLen)`: the dot product of the vectors of positions p and q. */
  similarity: number[][];
  /** The table as a standalone SVG heatmap. */
  svg: string;
}

/** Computes the table and the similarities, prints them, and draws the heatmap. */
export function runPositionalEncoding({
  maxLen = 50,
  dModel = 32,
  log = console.log,
}: {
  maxLen?: number;
  dModel?: number;
  log?: (line: string) => void;
} = {}): PositionalEncodingRun {
  const table = positionalEncodingTable(maxLen, dModel, {
    dtype: 'float64',
  }).toArray() as number[][];
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
  const similarity = table.map((a) => table.map((b) => dot(a, b)));

  log(`the positional encoding table: ${maxLen} positions × ${dModel} dimensions`);
  log(`each row is one position; ▁ is −1, █ is +1 (dimension 0 on the left)\n`);
  for (const p of [0, 1, 2, 3, 4, 5, 10, 20, 30, 40].filter((q) => q < maxLen)) {
    log(`${String(p).padStart(4)}  ${(table[p] as number[]).map(block).join('')}`);
  }
  log('\nthe first dimensions of positions 0–3: sin and cos of pos, then of pos / 10000^(2/d), …');
  for (let p = 0; p < Math.min(4, maxLen); p++) {
    const first = (table[p] as number[]).slice(0, 6).map((v) => v.toFixed(3).padStart(7));
    log(`${String(p).padStart(4)}  ${first.join('')}  …`);
  }

  // ‖PE(p)‖² = d/2 for every p (each sin/cos pair has sin² + cos² = 1), so the dot product is
  // a similarity on one scale for all positions.
  const anchor = Math.min(10, maxLen - 1);
  log(
    `\ndot product of position ${anchor} with position ${anchor} + k (the maximum is d/2 = ${dModel / 2}):`,
  );
  const peak = dModel / 2;
  for (const k of [0, 1, 2, 3, 5, 8, 13, 20, 30].filter((k) => anchor + k < maxLen)) {
    const value = similarity[anchor]?.[anchor + k] as number;
    const bar = '█'.repeat(Math.max(0, Math.round((20 * value) / peak)));
    const sameK = similarity[0]?.[k] as number; // position 0 with position k: the same distance
    log(
      `  k = ${String(k).padStart(2)}  ${value.toFixed(2).padStart(6)}  ${bar.padEnd(20)}  (0 with ${k}: ${sameK.toFixed(2)})`,
    );
  }
  log('Nearby positions look alike (the fall has ripples, it is not strictly monotone), and only');
  log('the distance matters: PE(p)·PE(p+k) = Σᵢ cos(k·ωᵢ), whatever p is.');
  return { table, similarity, svg: heatmapSvg(table) };
}

/** A value in [−1, 1] as one of eight block heights. */
function block(value: number): string {
  const blocks = '▁▂▃▄▅▆▇█';
  return blocks[Math.min(7, Math.max(0, Math.floor(((value + 1) / 2) * 8)))] as string;
}

/** Blue (−1) through white (0) to red (+1): ColorBrewer's RdBu ends. */
function diverging(value: number): string {
  const v = Math.max(-1, Math.min(1, value));
  const end = v < 0 ? [33, 102, 172] : [178, 24, 43];
  const mix = end.map((c) => Math.round(255 + (c - 255) * Math.abs(v)));
  return `#${mix.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Positions down, dimensions across, one `<rect class="cell">` per value, with a colour key. */
export function heatmapSvg(table: number[][], cellSize = 12): string {
  const rows = table.length;
  const columns = table[0]?.length ?? 0;
  const [left, top] = [56, 62];
  const keyWidth = 90;
  const width = left + columns * cellSize + keyWidth;
  const height = top + rows * cellSize + 30;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    '<title>Sinusoidal positional encoding</title>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">Positional encoding: ${rows} positions × ${columns} dimensions</text>`,
    `<text x="${left}" y="38">dimension →</text>`,
    `<text transform="rotate(90 14 ${top})" x="14" y="${top}">position →</text>`, // reads downwards
  ];
  for (let j = 0; j < columns; j += 8) {
    parts.push(
      `<text x="${left + j * cellSize + cellSize / 2}" y="${top - 6}" text-anchor="middle">${j}</text>`,
    );
  }
  for (let p = 0; p < rows; p += 10) {
    parts.push(
      `<text x="${left - 6}" y="${top + p * cellSize + cellSize - 2}" text-anchor="end">${p}</text>`,
    );
  }
  parts.push('<g class="cells">');
  table.forEach((row, p) => {
    row.forEach((value, j) => {
      parts.push(
        `<rect class="cell" x="${left + j * cellSize}" y="${top + p * cellSize}" width="${cellSize}" height="${cellSize}" fill="${diverging(value)}"><title>PE(${p}, ${j}) = ${value.toFixed(3)}</title></rect>`,
      );
    });
  });
  parts.push('</g>', '<g class="key">');
  const keyX = left + columns * cellSize + 24;
  for (let k = 0; k <= 20; k++) {
    const value = 1 - k / 10; // +1 at the top, −1 at the bottom
    parts.push(
      `<rect x="${keyX}" y="${top + k * 8}" width="16" height="8" fill="${diverging(value)}"/>`,
    );
  }
  parts.push(
    `<text x="${keyX + 22}" y="${top + 8}">+1</text>`,
    `<text x="${keyX + 22}" y="${top + 84}">0</text>`,
    `<text x="${keyX + 22}" y="${top + 168}">−1</text>`,
    '</g>',
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const run = runPositionalEncoding({
    maxLen: Number(process.argv[2] ?? 50),
    dModel: Number(process.argv[3] ?? 32),
  });
  mkdirSync(new URL('./output/', import.meta.url), { recursive: true });
  const file = new URL('./output/positional-encoding.svg', import.meta.url);
  writeFileSync(file, run.svg);
  console.log(`\nwrote the heatmap to ${file.pathname}`);
}
