/** The positional-encoding example draws the whole table and shows similarity falling with distance. */
import { expect, it } from 'vitest';
import { runPositionalEncoding } from '../../examples/positional-encoding.js';

/** Element names in document order, checking that every tag closes the one it should. */
function checkWellFormed(xml: string): string[] {
  const open: string[] = [];
  const seen: string[] = [];
  const body = xml.trim().replace(/<title>[^<]*<\/title>/g, '<title/>');
  for (const [, closing, name, , selfClosing] of body.matchAll(
    /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g,
  )) {
    if (closing) {
      expect(open.pop(), `</${name}> closes the wrong element`).toBe(name);
    } else {
      if (seen.length > 0) expect(open.length, `<${name}> outside the root`).toBeGreaterThan(0);
      seen.push(name as string);
      if (!selfClosing) open.push(name as string);
    }
  }
  expect(open, 'unclosed elements').toEqual([]);
  // Nothing but tags, whitespace and text between tags: no stray '<' or '>' left unmatched.
  const leftover = body.replace(/<[^<>]+>/g, '');
  expect(leftover).not.toMatch(/[<>]/);
  return seen;
}

it('draws a well-formed SVG with one cell per position and dimension', () => {
  const run = runPositionalEncoding({ maxLen: 20, dModel: 12, log: () => {} });
  expect(run.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  const elements = checkWellFormed(run.svg);
  expect(elements[0]).toBe('svg');
  expect(run.svg.match(/<rect class="cell"/g)).toHaveLength(20 * 12);
  expect(run.svg).toContain('<title>PE(19, 11) = ');
  expect(run.svg).not.toMatch(/NaN|undefined/);
  expect(run.table).toHaveLength(20);
  expect(run.table[0]).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
});

it('makes nearby positions more alike than distant ones, whatever the start', () => {
  const { similarity } = runPositionalEncoding({ log: () => {} }); // 50 positions × 32 dimensions
  const at = (p: number, q: number) => similarity[p]?.[q] as number;
  expect(at(10, 10)).toBeCloseTo(16, 10); // ‖PE(p)‖² = d/2
  expect(at(10, 11)).toBeGreaterThan(at(10, 30));
  expect(at(10, 11)).toBeGreaterThan(at(10, 12));
  expect(at(10, 30)).toBeCloseTo(at(0, 20), 10); // only the distance matters
});
