/** The "cat sat on the ___" example does what it prints, with fewer steps. */
import { expect, it } from 'vitest';
import { runNextWord } from '../../examples/next-word.js';

it('lets the long story decide the next word, which two words of context cannot', () => {
  const { predictions } = runNextWord({ steps: 200, log: () => {} });
  const first = (model: 'bigram' | 'lstm' | 'transformer', prompt: 'rain' | 'dinner') =>
    predictions[model][prompt].top[0]?.word;
  // Both trained models find the clue, 9 to 15 words before the blank.
  expect([first('lstm', 'rain'), first('lstm', 'dinner')]).toEqual(['roof', 'chair']);
  expect([first('transformer', 'rain'), first('transformer', 'dinner')]).toEqual(['roof', 'chair']);
  // The counts of the last two words see "on the" in both stories and answer both alike,
  // so they cannot be right about both.
  expect(predictions.bigram.rain).toEqual(predictions.bigram.dinner);
  expect(predictions.bigram.rain).toEqual(predictions.bigram.short);
  expect([first('bigram', 'rain'), first('bigram', 'dinner')]).not.toEqual(['roof', 'chair']);
  // Without the story, no trained model is sure where the cat sits.
  for (const model of ['lstm', 'transformer'] as const) {
    expect(Math.max(...Object.values(predictions[model].short.places))).toBeLessThan(0.6);
    expect(predictions[model].rain.places.roof).toBeGreaterThan(0.8);
  }
});
