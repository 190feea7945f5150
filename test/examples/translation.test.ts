/** The translation example (npm run demo) does what the README says, with fewer steps. */
import { expect, it } from 'vitest';
import { runTranslation } from '../../examples/translation.js';

it('translates held-out sentences and aligns the moved adjectives', () => {
  const run = runTranslation({ steps: 150, log: () => {} });
  expect(run.losses[run.losses.length - 1]).toBeLessThan((run.losses[0] as number) / 3);
  expect(run.accuracy).toBeGreaterThanOrEqual(0.9);
  const looksAt = Object.fromEntries(
    run.alignment.weights.map((row, t) => [
      run.alignment.target[t],
      run.alignment.source[row.indexOf(Math.max(...row))],
    ]),
  );
  // French puts the colour after the noun: the alignment crosses instead of running diagonally.
  expect(looksAt).toMatchObject({ gros: 'big', chien: 'dog', rouge: 'red' });
});
