/** The character-level language model example learns its rhyme and writes from it, with fewer steps. */
import { beforeAll, expect, it } from 'vitest';
import { type CharModelRun, RHYME, runCharModel } from '../../examples/char-model.js';

// 250 steps (~8 s). Checked with seeds 1–8: the mean loss of the last 25 steps ends between
// 0.135 and 0.143 (from ~3.5), all 128 seat completions are right, and 63 of 64 refrain samples
// continue with text of the rhyme (seed 8 wrote one "mat at and mewed.").
let run: CharModelRun;
beforeAll(() => {
  run = runCharModel({ steps: 250, log: () => {} });
});

it('learns the rhyme: the loss falls from ~ln 25 to below 0.2 nats per character', () => {
  expect(run.losses[0]).toBeGreaterThan(3);
  const last = run.losses.slice(-25);
  expect(last.reduce((a, b) => a + b, 0) / last.length).toBeLessThan(0.2);
});

it("samples the same text for the same seed, written in the rhyme's characters", () => {
  const text = run.generate('sing hey, ', 'seed', 60);
  expect(text).toHaveLength('sing hey, '.length + 60); // no special token was drawn
  expect(run.generate('sing hey, ', 'seed', 60)).toBe(text);
  expect([...new Set(text)].filter((c) => !run.characters.includes(c))).toEqual([]);
  expect([...run.characters].sort()).toEqual([...new Set(RHYME)].sort());
});

it('puts each animal on its own seat, 12 characters after naming it', () => {
  const seats = { cat: 'mat', dog: 'log', hen: 'pen', frog: 'bog' };
  for (const [animal, seat] of Object.entries(seats)) {
    for (const s of [0, 1]) {
      const prompt = `the ${animal} sat on the `;
      expect(run.generate(prompt, `${animal} ${s}`, 3)).toBe(prompt + seat);
    }
  }
});

it('continues the refrain with words of the rhyme', () => {
  const refrain = 'sing hey, sing ho, ';
  for (let seed = 0; seed < 8; seed++) {
    const line = run.generate(`${refrain}the `, `refrain ${seed}`, 40).split('\n')[0] as string;
    expect(RHYME).toContain(line.slice(refrain.length)); // e.g. "the dog sat on the log."
  }
});
