/**
 * Translation with an encoder-decoder Transformer: English → French on a toy corpus. It trains
 * from scratch, prints translations of sentences it never saw, and shows the encoder-decoder
 * attention: which English words each French word looked at. Adjectives of colour move behind
 * the noun in French ("the big red dog" → "le gros chien rouge"), and the alignment shows it.
 *
 * Run: npm run demo   (or: npx tsx examples/translation.ts [steps])
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { attentionHeatmapSvg, attentionHeatmapText } from 'seqgrad';
import { createTranslator } from './data/translator.js';

/** What a run produced, for the smoke test and for the README's story. */
export interface TranslationRun {
  losses: number[];
  accuracy: number;
  examples: Array<{ en: string; expected: string; got: string }>;
  alignment: { source: string[]; target: string[]; weights: number[][] };
}

/** Trains the translator for `steps` steps and evaluates it on held-out sentences. */
export function runTranslation({
  steps = 300,
  log = console.log,
}: {
  steps?: number;
  log?: (line: string) => void;
} = {}): TranslationRun {
  const { en, fr, train, test, step, translate, alignment } = createTranslator({ steps });
  log(
    `training on ${train.length} sentence pairs (${en.size} English words, ${fr.size} French words)`,
  );
  const losses: number[] = [];
  for (let n = 1; n <= steps; n++) {
    losses.push(step(n));
    if (n % 50 === 0 || n === 1)
      log(`step ${String(n).padStart(4)}  loss ${(losses[n - 1] as number).toFixed(3)}`);
  }

  const examples = test.map((p) => ({
    en: p.en,
    expected: p.fr,
    got: fr.decode(translate(en.encode(p.en))),
  }));
  const accuracy = examples.filter((e) => e.got === e.expected).length / examples.length;
  log(
    `\nheld-out sentences translated exactly: ${(100 * accuracy).toFixed(1)}% of ${examples.length}`,
  );
  // Show held-out sentences where a colour has to move behind its noun.
  const colours = /\b(red|black|white|green)\b/;
  for (const e of examples.filter((x) => colours.test(x.en)).slice(0, 6)) {
    log(`  ${e.en}  →  ${e.got}${e.got === e.expected ? '' : `   (expected: ${e.expected})`}`);
  }

  const [source, target] = ['the big red dog', 'le gros chien rouge'];
  const weights = alignment(en.encode(source), fr.encode(target));
  log(
    '\nencoder-decoder attention (last decoder layer, averaged over heads): the row of each French',
  );
  log('word shows the English words it looked at; "rouge" looks back at "red" across "dog".');
  log(
    attentionHeatmapText(weights, {
      rowLabels: target.split(' '),
      columnLabels: source.split(' '),
    }),
  );
  return {
    losses,
    accuracy,
    examples,
    alignment: { source: source.split(' '), target: target.split(' '), weights },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const steps = Number(process.argv[2] ?? 300);
  const run = runTranslation({ steps });
  const svg = attentionHeatmapSvg(run.alignment.weights, {
    rowLabels: run.alignment.target,
    columnLabels: run.alignment.source,
    title: 'the big red dog → le gros chien rouge',
  });
  mkdirSync(new URL('./output/', import.meta.url), { recursive: true });
  const file = new URL('./output/translation-alignment.svg', import.meta.url);
  writeFileSync(file, svg);
  console.log(`\nwrote the alignment picture to ${file.pathname}`);
}
