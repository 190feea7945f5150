/**
 * The translation recipe that examples/translation.ts and the browser demo (examples/browser)
 * share: corpus split, vocabularies, model, optimizer, schedule, one training step, beam-search
 * translation and the attention alignment. Imports nothing from Node, so it runs in a worker.
 */
import {
  Adam,
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
import { type Pair, toyTranslationCorpus } from './toy-translation.js';

/** A translator in training, and what it needs to translate. */
export interface Translator {
  /** The English and French vocabularies (word level, built from the whole corpus). */
  en: Vocabulary;
  fr: Vocabulary;
  /** The training pairs: nine in ten. */
  train: Pair[];
  /** The held-out pairs: every tenth, never trained on. */
  test: Pair[];
  model: Seq2SeqTransformer;
  /** Runs training step `step` (counted from 1) and returns its batch loss. */
  step(step: number): number;
  /** The best French ids for `sourceIds` by beam search (no `<bos>`, `<eos>` kept if produced). */
  translate(sourceIds: readonly number[]): number[];
  /**
   * `(T, S)` cross-attention of the last decoder layer, averaged over heads, while the model
   * reads `targetIds` back: row t is computed while predicting `targetIds[t]`.
   */
  alignment(sourceIds: readonly number[], targetIds: readonly number[]): number[][];
}

const BATCH_SIZE = 32;

/** Builds the translator for a run of `steps` training steps (the schedule depends on it). */
export function createTranslator({
  steps,
  seed = 7,
}: {
  steps: number;
  seed?: number;
}): Translator {
  manualSeed(seed);
  const pairs = toyTranslationCorpus();
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

  const step = (n: number): number => {
    // A fixed walk through the training pairs (7919 is prime), so every run sees the same batches.
    const batch = Array.from(
      { length: BATCH_SIZE },
      (_, i) => train[((n - 1) * BATCH_SIZE + i * 7919) % train.length] as Pair,
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
    return loss.item();
  };

  const inEvalMode = <T>(run: () => T): T => {
    const wasTraining = model.training;
    model.eval(); // no dropout while translating, mid-training too
    try {
      return run();
    } finally {
      model.train(wasTraining);
    }
  };

  const translate = (sourceIds: readonly number[]): number[] =>
    inEvalMode(() => {
      const [best] = beamSearch(model.decoder(sourceIds), {
        prompt: [fr.bosId],
        eos: fr.eosId,
        maxNewTokens: 16,
        beamWidth: 3,
      });
      return best?.tokens ?? [];
    });

  const alignment = (sourceIds: readonly number[], targetIds: readonly number[]): number[][] =>
    inEvalMode(() => {
      const input = [fr.bosId, ...targetIds.slice(0, -1)]; // row t predicts targetIds[t]
      const { crossAttention } = noGrad(() =>
        model.forwardWithAttention([[...sourceIds]], [input]),
      );
      return (crossAttention[crossAttention.length - 1] as Tensor)
        .select(0, 0)
        .toArray() as number[][]; // (T, S)
    });

  return { en, fr, train, test, model, step, translate, alignment };
}
