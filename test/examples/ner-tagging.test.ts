/** The name-tagging example does what it prints, with fewer steps. */
import { expect, it } from 'vitest';
import { runNerTagging } from '../../examples/ner-tagging.js';

it('tags the slide sentence, sums its per-step losses, and shows the LSTM reaching further back', () => {
  const lines: string[] = [];
  const run = runNerTagging({ steps: 200, log: (line) => lines.push(line) });

  expect(run.slide.tags).toEqual([1, 0, 1, 1]); // Sarah likes Michael Jackson
  expect(run.visits.tags).toEqual([1, 0, 0]); // Sarah visits Jackson: the city, not the singer

  // Total loss = Loss 1 + Loss 2 + Loss 3 + Loss 4, in the numbers returned and in those printed.
  const sum = run.slide.stepLosses.reduce((a, b) => a + b, 0);
  expect(run.slide.stepLosses).toHaveLength(4);
  expect(run.slide.total).toBeCloseTo(sum, 6);
  const totals = lines.filter((line) => line.includes('total loss') && line.includes(' = '));
  expect(totals).toHaveLength(2);
  for (const line of totals) {
    const [, terms = '', total = ''] = line.split(' = ');
    const printed = terms.split(' + ').map(Number);
    expect(printed).toHaveLength(4);
    // Each printed term is rounded to 4 decimals, so their sum may be off by 4 half-units.
    expect(Math.abs(printed.reduce((a, b) => a + b, 0) - Number(total))).toBeLessThanOrEqual(2e-4);
  }

  // The last word's tag depends on the first word, 17-21 steps back: the plain RNN stays near
  // chance (at most 57% over seeds 1-8) and the LSTM gets it (100%); 30 points holds for all.
  const { accuracy, gradientToClue } = run.longRange;
  expect(accuracy.lstm).toBeGreaterThan(0.9);
  expect(accuracy.lstm - accuracy.rnn).toBeGreaterThan(0.3);
  expect(gradientToClue.lstm).toBeGreaterThan(100 * gradientToClue.rnn);
});
