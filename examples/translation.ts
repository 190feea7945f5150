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
import {
  Adam,
  attentionHeatmapSvg,
  attentionHeatmapText,
  beamSearch,
  crossEntropy,
  manualSeed,
  noGrad,
  padSequences,
  Seq2SeqTransformer,
  type Tensor,
  Vocabulary,
  WarmupCosineLR,
} from 'seqgrad';
import { type Pair, toyTranslationCorpus } from './data/toy-translation.js';

/** What a run produced, for the smoke test and for the README's story. */
export interface TranslationRun {
  losses: number[];
  accuracy: number;
  examples: Array<{ en: string; expected: string; got: string }>;
  alignment: { source: string[]; target: string[]; weights: number[][] };
}

/** Trains the translator for `steps` steps and evaluates it on held-out sentences. */
export function runTranslation({
  steps = 400,
  log = console.log,
}: {
  steps?: number;
  log?: (line: string) => void;
} = {}): TranslationRun {
  manualSeed(7);
  const pairs = toyTranslationCorpus();
  // Hold out every 10th pair: the model never trains on them.
  const test = pairs.filter((_, i) => i % 10 === 0);
  const train = pairs.filter((_, i) => i % 10 !== 0);
  const en = Vocabulary.fromCorpus(pairs.map((p) => p.en));
  const fr = Vocabulary.fromCorpus(pairs.map((p) => p.fr));

  const model = new Seq2SeqTransformer(en.size, fr.size, {
    dModel: 32,
    nHead: 4,
    numEncoderLayers: 2,
    numDecoderLayers: 2,
    dimFeedforward: 64,
    dropout: 0.1,
    normFirst: true,
  });
  const optimizer = new Adam(model.parameters(), { lr: 6e-3 });
  const schedule = new WarmupCosineLR(optimizer, {
    warmupSteps: Math.min(50, Math.floor(steps / 4)),
    totalSteps: steps,
  });
  const batchSize = 32;
  const losses: number[] = [];
  log(
    `training on ${train.length} sentence pairs (${en.size} English words, ${fr.size} French words)`,
  );
  for (let step = 1; step <= steps; step++) {
    const batch = Array.from(
      { length: batchSize },
      (_, i) => train[((step - 1) * batchSize + i * 7919) % train.length] as Pair,
    );
    const source = padSequences(batch.map((p) => en.encode(p.en)));
    const target = padSequences(batch.map((p) => fr.encode(p.fr, { addBos: true, addEos: true })));
    const input = target.ids.map((row) => row.slice(0, -1)); // <bos> y1 … y(n-1)
    const output = target.ids.map((row) => row.slice(1)); //    y1 … yn <eos>
    const logits = model.forward(source.ids, input, {
      srcKeyPaddingMask: source.keyPaddingMask,
      tgtKeyPaddingMask: target.keyPaddingMask.map((row) => row.slice(0, -1)),
    });
    const loss = crossEntropy(logits, output, { ignoreIndex: fr.padId, labelSmoothing: 0.05 });
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    schedule.step();
    losses.push(loss.item());
    if (step % 50 === 0 || step === 1)
      log(`step ${String(step).padStart(4)}  loss ${loss.item().toFixed(3)}`);
  }

  model.eval();
  const translate = (sentence: string): string => {
    const [best] = beamSearch(model.decoder(en.encode(sentence)), {
      prompt: [fr.bosId],
      eos: fr.eosId,
      maxNewTokens: 16,
      beamWidth: 3,
    });
    return fr.decode(best?.tokens ?? []);
  };
  const examples = test.map((p) => ({ en: p.en, expected: p.fr, got: translate(p.en) }));
  const accuracy = examples.filter((e) => e.got === e.expected).length / examples.length;
  log(
    `\nheld-out sentences translated exactly: ${(100 * accuracy).toFixed(1)}% of ${examples.length}`,
  );
  // Show held-out sentences where a colour has to move behind its noun.
  const colours = /\b(red|black|white|green)\b/;
  for (const e of examples.filter((x) => colours.test(x.en)).slice(0, 6)) {
    log(`  ${e.en}  →  ${e.got}${e.got === e.expected ? '' : `   (expected: ${e.expected})`}`);
  }

  const alignment = align(model, en, fr, 'the big red dog', 'le gros chien rouge');
  log(
    '\nencoder-decoder attention (last decoder layer, averaged over heads): the row of each French',
  );
  log('word shows the English words it looked at; "rouge" looks back at "red" across "dog".');
  log(
    attentionHeatmapText(alignment.weights, {
      rowLabels: alignment.target,
      columnLabels: alignment.source,
    }),
  );
  return { losses, accuracy, examples, alignment };
}

/** Cross-attention of the last decoder layer when the model reads `target` as its own output. */
function align(
  model: Seq2SeqTransformer,
  en: Vocabulary,
  fr: Vocabulary,
  source: string,
  target: string,
) {
  const targetIds = fr.encode(target, { addBos: true }).slice(0, -1); // <bos> le gros chien
  const { crossAttention } = noGrad(() =>
    model.forwardWithAttention([en.encode(source)], [targetIds]),
  );
  const last = (crossAttention[crossAttention.length - 1] as Tensor).select(0, 0); // (T, S)
  // Row t is computed while predicting target word t+1, so label it with that word.
  return {
    source: source.split(' '),
    target: target.split(' '),
    weights: last.toArray() as number[][],
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
