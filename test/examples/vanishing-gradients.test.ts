/** The vanishing-gradients example measures what the course says about RNNs and LSTMs. */
import { expect, it } from 'vitest';
import {
  runVanishingGradients,
  vanishingGradientsSvg,
} from '../../examples/vanishing-gradients.js';

// Checked on seeds 0–19: the RNN's ratio (norm 30 steps back / norm 1 step back) stays below
// 3.4e-7, the opened LSTM's above 9.1e-4, their quotient above 5.2e3, and the PyTorch-init LSTM's
// below 5.5e-6. Seed 1 is the closest call for the RNN and for the quotient.
it.each([0, 1, 2])(
  'the RNN loses the gradient within 30 steps, the LSTM keeps it (seed %i)',
  (seed) => {
    const run = runVanishingGradients({ seed, log: () => {} });
    const ratio = (norms: number[]) => (norms[30] as number) / (norms[1] as number);
    expect(run.rnn[0]).toBe(1);
    expect(ratio(run.rnn)).toBeLessThan(1e-5);
    expect(ratio(run.lstm)).toBeGreaterThan(1e-4);
    expect(ratio(run.lstm) / ratio(run.rnn)).toBeGreaterThan(1e3);
    // Without an open forget gate the LSTM's gradient vanishes too: that is what the example shows.
    expect(ratio(run.lstmDefaultInit)).toBeLessThan(1e-4);
  },
);

it('draws the three curves as a standalone SVG', () => {
  const svg = vanishingGradientsSvg(
    runVanishingGradients({ steps: 10, sequences: 2, log: () => {} }),
  );
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  const polylines = [...svg.matchAll(/<polyline class="series"[^>]*points="([^"]+)"/g)];
  expect(polylines).toHaveLength(3);
  for (const [, points] of polylines) expect(points?.split(' ')).toHaveLength(11);
  expect(svg).not.toMatch(/NaN|Infinity/);
});
