/**
 * A tiny next-word model built from seqgrad's ops (no layers yet): the previous two words are
 * looked up in an embedding table, a tanh hidden layer mixes them, and a softmax over the
 * vocabulary predicts the next word. Trained with plain SGD; the loss falls as it learns, down to
 * the floor set by contexts such as "on the" that two words cannot disambiguate.
 *
 * Run: npx tsx examples/from-ops.ts
 */
import { crossEntropy, indexSelect, manualSeed, noGrad, randn, type Tensor, zeros } from 'seqgrad';

const corpus = [
  'the cat sat on the mat',
  'the dog sat on the rug',
  'the cat lay on the sofa',
  'a bird sat on the roof',
];
const words = [...new Set(corpus.join(' ').split(' '))];
const id = new Map(words.map((w, i) => [w, i]));
const V = words.length;
const [E, H] = [8, 32]; // embedding width, hidden width

// Every (w[t-2], w[t-1]) -> w[t] pair in the corpus.
const contexts: number[][] = [];
const targets: number[] = [];
for (const sentence of corpus) {
  const ids = sentence.split(' ').map((w) => id.get(w) as number);
  for (let t = 2; t < ids.length; t++) {
    contexts.push([ids[t - 2] as number, ids[t - 1] as number]);
    targets.push(ids[t] as number);
  }
}

manualSeed(0);
const param = (shape: number[], scale: number) => randn(shape).mul(scale).detach();
const embedding = param([V, E], 1);
const w1 = param([2 * E, H], 1 / Math.sqrt(2 * E));
const b1 = zeros([H]);
const w2 = param([H, V], 1 / Math.sqrt(H));
const b2 = zeros([V]);
const params = [embedding, w1, b1, w2, b2];
for (const p of params) p.requiresGrad = true;

/** logits (N, V) for N contexts of two word ids each. */
function forward(batch: number[][]): Tensor {
  const embedded = indexSelect(embedding, 0, batch.flat()).reshape([batch.length, 2 * E]); // (N, 2E)
  const hidden = embedded.matmul(w1).add(b1).tanh(); // (N, H)
  return hidden.matmul(w2).add(b2); // (N, V)
}

const learningRate = 0.5;
for (let step = 0; step <= 300; step++) {
  const loss = crossEntropy(forward(contexts), targets);
  for (const p of params) p.grad = null;
  loss.backward();
  noGrad(() => {
    for (const p of params) {
      const value = p.data.data;
      const grad = (p.grad as Tensor).data.data;
      for (let i = 0; i < value.length; i++)
        value[i] = (value[i] as number) - learningRate * (grad[i] as number);
    }
  });
  if (step % 50 === 0)
    console.log(`step ${String(step).padStart(3)}  loss ${loss.item().toFixed(4)}`);
}

// With two words of context, "on the" cannot tell mat from rug or roof: the model spreads its bet.
for (const prompt of ['the cat sat on the', 'the cat lay on', 'a bird sat']) {
  const ids = prompt.split(' ').map((w) => id.get(w) as number);
  const probabilities = noGrad(() => forward([ids.slice(-2)]).softmax(-1)).toArray() as number[][];
  const ranked = (probabilities[0] as number[])
    .map((p, i) => ({ word: words[i], p }))
    .sort((a, b) => b.p - a.p)
    .slice(0, 3);
  console.log(`${prompt} ... ${ranked.map((r) => `${r.word} ${r.p.toFixed(2)}`).join(', ')}`);
}
