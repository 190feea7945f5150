import seedrandom from 'seedrandom';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  attentionHeatmapSvg,
  attentionHeatmapText,
  MultiHeadAttention,
  randn,
  ShapeError,
  tensor,
} from '../../src/index.js';
import { allElements, parseXml, type XmlElement } from './xml.js';

// The course's encoder-decoder attention: French target words (rows, queries) over the English
// source (columns, keys). T=3 rows and S=4 columns, so a swapped axis cannot pass.
const weights = [
  [0.1, 0.9, 0, 0],
  [0.05, 0.4, 0.55, 0],
  [0.16, 0.09, 0.15, 0.66],
];
const rowLabels = ['le', 'gros', 'chien'];
const columnLabels = ['The', 'big', 'red', 'dog'];

const byClass = (root: XmlElement, name: string, cls: string) =>
  allElements(root).filter((e) => e.name === name && e.attributes.class === cls);

describe('attentionHeatmapSvg', () => {
  const svg = attentionHeatmapSvg(weights, { rowLabels, columnLabels, title: 'Attention' });
  // Parsed inside each test, so a malformed document fails tests rather than the file's setup.
  let root: XmlElement;
  beforeEach(() => {
    root = parseXml(svg);
  });

  it('is a well-formed standalone SVG document', () => {
    expect(root.name).toBe('svg');
    expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(Number(root.attributes.width)).toBeGreaterThan(0);
    expect(root.attributes.viewBox).toBe(`0 0 ${root.attributes.width} ${root.attributes.height}`);
    expect(svg).not.toMatch(/<script|<style|href=/);
  });

  it('draws one rect and one printed value per weight, rows = queries, columns = keys', () => {
    const cells = byClass(root, 'rect', 'cell');
    expect(cells).toHaveLength(12);
    const values = byClass(root, 'text', 'value');
    expect(values.map((v) => v.text)).toEqual(weights.flat().map((w) => w.toFixed(2)));
    const xs = cells.map((c) => Number(c.attributes.x));
    const ys = cells.map((c) => Number(c.attributes.y));
    // row-major: x grows along a row (keys), y grows down the rows (queries)
    expect(xs.slice(0, 4)).toEqual([...xs.slice(0, 4)].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(4);
    expect(new Set(ys).size).toBe(3);
    expect(ys[4]).toBeGreaterThan(ys[3] as number);
    expect(cells[1]?.children[0]?.text).toBe('le → big: 0.90');
    expect(cells[11]?.children[0]?.text).toBe('chien → dog: 0.66');
  });

  it('shades from white at 0 to the colour at maxValue, linearly, clamping outside', () => {
    const fills = (w: number[][], options = {}) =>
      byClass(parseXml(attentionHeatmapSvg(w, options)), 'rect', 'cell').map(
        (c) => c.attributes.fill,
      );
    expect(fills([[0, 1, 0.5]], { colour: '#204080' })).toEqual(['#ffffff', '#204080', '#90a0c0']);
    expect(fills([[-0.3, 2]], { colour: '#c33' })).toEqual(['#ffffff', '#cc3333']);
    expect(fills([[5, 10]], { colour: '#000000', maxValue: 10 })).toEqual(['#808080', '#000000']);
  });

  it('prints light ink on dark cells and dark ink on light ones', () => {
    const ink = byClass(parseXml(attentionHeatmapSvg([[0, 1]])), 'text', 'value').map(
      (t) => t.attributes.fill,
    );
    expect(ink).toEqual(['#1a1a1a', '#ffffff']);
  });

  it('labels rows and columns in order, and escapes labels and the title for XML', () => {
    const labels = (cls: string) =>
      allElements(root)
        .filter((e) => e.attributes.class === cls)
        .flatMap((g) => g.children.map((t) => t.text));
    expect(labels('row-labels')).toEqual(rowLabels);
    expect(labels('column-labels')).toEqual(columnLabels);
    const nasty = ['<b>', 'a & b', `"quoted" 'single'`];
    const escaped = attentionHeatmapSvg([[1], [0], [0]], {
      rowLabels: nasty,
      columnLabels: ['x\u0007y'],
      title: '</svg><script>',
    });
    expect(escaped).toContain('&lt;b&gt;');
    expect(escaped).toContain('a &amp; b');
    expect(escaped).toContain('&quot;quoted&quot; &apos;single&apos;');
    expect(escaped).not.toContain('<script>');
    const tree = parseXml(escaped);
    expect(byClass(tree, 'text', 'title')[0]?.text).toBe('</svg><script>');
    expect(
      allElements(tree)
        .filter((e) => e.attributes.class === 'row-labels')
        .flatMap((g) => g.children.map((t) => t.text)),
    ).toEqual(nasty);
    expect(escaped).toContain('x\uFFFDy'); // a control character XML cannot hold
  });

  it('omits values when asked, scales with cellSize, and rotates long column labels', () => {
    const plain = parseXml(attentionHeatmapSvg(weights, { showValues: false, cellSize: 20 }));
    expect(byClass(plain, 'text', 'value')).toHaveLength(0);
    expect(byClass(plain, 'rect', 'cell')[0]?.attributes.width).toBe('20');
    const long = attentionHeatmapSvg([[1, 0]], { columnLabels: ['extraordinarily', 'x'] });
    expect(long).toContain('transform="rotate(-45');
    expect(svg).not.toContain('rotate(');
    expect(attentionHeatmapSvg([[0.123456]], { decimals: 4 })).toContain('>0.1235</text>');
  });

  it('takes a (T, S) Tensor, e.g. one example of MultiHeadAttention weights', () => {
    const fromTensor = attentionHeatmapSvg(tensor(weights), { rowLabels, columnLabels });
    expect(fromTensor).toBe(attentionHeatmapSvg(weights, { rowLabels, columnLabels }));
    const attention = new MultiHeadAttention(8, 2, { rng: seedrandom('heatmap') });
    const query = randn([2, 3, 8], { rng: seedrandom('q') }); // B=2, T=3
    const memory = randn([2, 4, 8], { rng: seedrandom('k') }); // S=4
    const { weights: attended } = attention.forward(query, memory, memory);
    const picture = parseXml(
      attentionHeatmapSvg((attended as NonNullable<typeof attended>).select(0, 1), {
        rowLabels,
        columnLabels,
      }),
    );
    expect(byClass(picture, 'rect', 'cell')).toHaveLength(12);
  });

  it('checks weights against the labels, naming the argument', () => {
    expect(() => attentionHeatmapSvg(weights, { rowLabels: columnLabels, columnLabels })).toThrow(
      ShapeError,
    );
    expect(() => attentionHeatmapSvg(weights, { rowLabels: columnLabels, columnLabels })).toThrow(
      'attentionHeatmapSvg: rowLabels has 4 labels; expected T=3 (one per row of weights [3, 4]), got 4',
    );
    expect(() => attentionHeatmapSvg(weights, { rowLabels, columnLabels: rowLabels })).toThrow(
      'attentionHeatmapSvg: columnLabels has 3 labels; expected S=4 (one per column of weights [3, 4]), got 3',
    );
    expect(() => attentionHeatmapSvg(randn([2, 3, 4]))).toThrow(
      'attentionHeatmapSvg: weights has rank 3; expected (T, S), got [2, 3, 4] (pick one example: weights.select(0, b))',
    );
    expect(() => attentionHeatmapSvg([[0.5, 0.5], [1]])).toThrow(
      'attentionHeatmapSvg: weights is ragged at weights[1]; expected length S=2, got length 1',
    );
    expect(() => attentionHeatmapSvg([])).toThrow(
      'attentionHeatmapSvg: weights is empty; expected (T, S) with T, S >= 1, got [0, 0]',
    );
    expect(() => attentionHeatmapSvg([[0.5, Number.NaN]])).toThrow(
      'attentionHeatmapSvg: weights[0][1] must be a finite number; got NaN',
    );
    expect(() => attentionHeatmapSvg([[1]], { colour: 'blue' })).toThrow(
      `attentionHeatmapSvg: colour must be a hex colour such as '#08519c' or '#c33'; got "blue"`,
    );
    expect(() => attentionHeatmapSvg([[1]], { cellSize: 0 })).toThrow(
      'attentionHeatmapSvg: cellSize must be a positive number; got 0',
    );
    expect(() => attentionHeatmapSvg([[1]], { rowLabels: [3 as unknown as string] })).toThrow(
      'attentionHeatmapSvg: rowLabels[0] must be a string; got number',
    );
  });
});

describe('the XML checker these tests rely on', () => {
  it('rejects what a conforming parser rejects', () => {
    expect(parseXml('<a x="1"><b/>t &amp; u</a>').children[0]?.name).toBe('b');
    expect(() => parseXml('<a><g></a>')).toThrow('xml: </a> closes <g>');
    expect(() => parseXml('<a><g>')).toThrow('xml: <g> is not closed');
    expect(() => parseXml('<a>x & y</a>')).toThrow("xml: bare '&'");
    expect(() => parseXml('<a x=1></a>')).toThrow('xml: malformed attribute');
    expect(() => parseXml('<a x="1" x="2"></a>')).toThrow('xml: repeated attribute x');
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow('xml: unknown entity &nbsp;');
    expect(() => parseXml('<a></a><b></b>')).toThrow('xml: more than one root element');
    expect(() => parseXml('<a>\u0007</a>')).toThrow('control character');
  });
});

describe('attentionHeatmapText', () => {
  it('lays out aligned labels, one shade per cell, the row maximum and a legend', () => {
    const text = attentionHeatmapText(weights, { rowLabels, columnLabels, title: 'en → fr' });
    expect(text).toBe(
      [
        'en → fr',
        '       The big red dog',
        'le     ··· ███ ··· ···  ← big 0.90',
        'gros   ··· ▒▒▒ ▒▒▒ ···  ← red 0.55',
        'chien  ··· ··· ··· ▓▓▓  ← dog 0.66',
        '· <0.2  ░ <0.4  ▒ <0.6  ▓ <0.8  █ ≥0.8',
        '',
      ].join('\n'),
    );
  });

  it('widens columns to the longest column label and scales shades by maxValue', () => {
    const text = attentionHeatmapText(
      [
        [1, 3],
        [4, 2],
      ],
      { rowLabels: ['a', 'query'], columnLabels: ['source', 'k'], maxValue: 4 },
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('       source k');
    expect(lines[1]).toBe('a      ░░░░░░ ▓▓▓▓▓▓  ← k 3.00');
    expect(lines[2]).toBe('query  ██████ ▒▒▒▒▒▒  ← source 4.00');
    expect(lines[3]).toBe('· <0.8  ░ <1.6  ▒ <2.4  ▓ <3.2  █ ≥3.2');
  });

  it('marks the first of tied maxima', () => {
    const lines = attentionHeatmapText([[0.5, 0.5]], { columnLabels: ['a', 'b'] }).split('\n');
    expect(lines[1]).toBe('0  ▒▒▒ ▒▒▒  ← a 0.50');
  });

  it('uses index labels by default and keeps each label on one line', () => {
    const lines = attentionHeatmapText([[0.2, 0.8]], { rowLabels: ['two\nlines'] }).split('\n');
    expect(lines[0]).toBe('           0   1');
    expect(lines[1]).toBe('two lines  ░░░ ███  ← 1 0.80');
  });

  it('checks shapes with its own name', () => {
    expect(() => attentionHeatmapText(weights, { rowLabels: ['x'] })).toThrow(
      'attentionHeatmapText: rowLabels has 1 labels; expected T=3 (one per row of weights [3, 4]), got 1',
    );
  });
});
