/**
 * The determinism test's full-size run: 200 training steps of the translation example's recipe
 * (examples/data/translator.ts: dropout 0.1, Adam, warmup-cosine), then a seeded sampleDecode.
 * Prints one JSON line: the losses, a SHA-256 of every loss's and weight's bits, the sample.
 *
 *   node --import tsx test/properties/translation-run.ts
 */
import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';
import { createTranslator } from '../../examples/data/translator.js';
import { sampleDecode } from '../../src/index.js';

const STEPS = 200;
const translator = createTranslator({ steps: STEPS });
const losses = Array.from({ length: STEPS }, (_, i) => translator.step(i + 1));
const hash = createHash('sha256');
hash.update(new Float64Array(losses));
for (const [name, p] of translator.model.namedParameters()) {
  hash.update(name);
  hash.update(new Float64Array(p.data.data));
}
translator.model.eval();
const { tokens } = sampleDecode(translator.model.decoder(translator.en.encode('the big red dog')), {
  prompt: [translator.fr.bosId],
  eos: translator.fr.eosId,
  maxNewTokens: 12,
  temperature: 1.5,
  rng: seedrandom('sample'),
});
console.log(JSON.stringify({ finalLoss: losses[STEPS - 1], digest: hash.digest('hex'), tokens }));
