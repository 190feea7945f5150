/**
 * Vanishing gradients, measured: the limitation of RNNs in the course. A loss at the last step of
 * a sequence sends a gradient back to every earlier hidden state; this example measures how much
 * of it arrives, step by step, for a tanh RNN cell and an LSTM cell of the same size. Through the
 * RNN the gradient is multiplied by tanh′ · W_hh at every step and shrinks geometrically; the LSTM
 * also passes it along its cell state c, where each step only multiplies it by the forget gate.
 *
 * Run: npx tsx examples/vanishing-gradients.ts [steps]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import { gradientNormsThroughTime, LSTMCell, manualSeed, RNNCell, randn } from 'seqgrad';

/** What a run measured, for the smoke test and the chart. */
export interface VanishingGradientsRun {
  /** 0 … steps: how many steps back from the loss. */
  distances: number[];
  /** Per distance: ‖∂L/∂h‖ relative to the last step's, geometric mean over the sequences. */
  rnn: number[];
  /** The same for the LSTM with its forget gate opened (forget bias 1). */
  lstm: number[];
  /** The same LSTM weights with PyTorch's default init, where the forget gate sits near 0.5. */
  lstmDefaultInit: number[];
}

const INPUT_SIZE = 8;
const HIDDEN_SIZE = 32;
const BAR_FLOOR = -12; // log10 of the smallest norm that still gets a bar

/** Measures the gradient norms for `sequences` random sequences of `steps + 1` inputs. */
export function runVanishingGradients({
  steps = 40,
  sequences = 5,
  seed = 0,
  log = console.log,
}: {
  steps?: number;
  sequences?: number;
  seed?: number;
  log?: (line: string) => void;
} = {}): VanishingGradientsRun {
  manualSeed(seed);
  // PyTorch's init for both cells: every weight from U(−1/√32, 1/√32).
  const rnn = new RNNCell(INPUT_SIZE, HIDDEN_SIZE);
  // Two LSTMs with the same weights, one with its forget-gate bias set to 1 (b_ih = 1, b_hh = 0
  // on the f rows), so σ(f) starts near σ(1): the usual LSTM init (Gers et al. 2000; Jozefowicz
  // et al. 2015) and Keras's default. PyTorch draws this bias like any other, so f starts near 0.5.
  const lstmDefaultInit = new LSTMCell(INPUT_SIZE, HIDDEN_SIZE, { rng: seedrandom(`lstm${seed}`) });
  const lstm = new LSTMCell(INPUT_SIZE, HIDDEN_SIZE, {
    rng: seedrandom(`lstm${seed}`),
    forgetBias: 1,
  });
  const T = steps + 1;
  const runs = { rnn: [] as number[][], lstm: [] as number[][], lstmDefaultInit: [] as number[][] };
  log(
    `a loss at step ${T - 1} of ${sequences} random sequences (inputSize ${INPUT_SIZE}, hiddenSize ${HIDDEN_SIZE}):`,
  );
  log('how much of its gradient reaches the hidden state k steps back, relative to k = 0\n');
  for (let s = 0; s < sequences; s++) {
    const inputs = randn([1, T, INPUT_SIZE]); // (B, T, inputSize), the same for all three cells
    runs.rnn.push(gradientNormsThroughTime(rnn, inputs).relative);
    runs.lstm.push(gradientNormsThroughTime(lstm, inputs).relative);
    runs.lstmDefaultInit.push(gradientNormsThroughTime(lstmDefaultInit, inputs).relative);
  }
  // relative[t] is indexed by time; distance k is t = T − 1 − k. The norms span many decades, so
  // average their logarithms: an arithmetic mean would just follow the largest sequence.
  const byDistance = (perSequence: number[][]) =>
    Array.from({ length: T }, (_, k) => {
      const logs = perSequence.map((relative) => Math.log(relative[T - 1 - k] as number));
      return Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length);
    });
  const run: VanishingGradientsRun = {
    distances: Array.from({ length: T }, (_, k) => k),
    rnn: byDistance(runs.rnn),
    lstm: byDistance(runs.lstm),
    lstmDefaultInit: byDistance(runs.lstmDefaultInit),
  };
  log(table(run));
  const at30 = Math.min(30, steps);
  log(
    `\n${at30} steps back, the RNN keeps ${sci(run.rnn[at30] as number)} of the gradient and the LSTM ${sci(run.lstm[at30] as number)}.`,
  );
  log(
    `The same LSTM at PyTorch's default init (forget gate ≈ 0.5) keeps only ${sci(run.lstmDefaultInit[at30] as number)}:`,
  );
  log('the open forget gate, not the LSTM as such, carries the gradient along the cell state.');
  return run;
}

/** Distance, the three norms, and log-scale bars for the RNN and the opened LSTM. */
function table(run: VanishingGradientsRun): string {
  const shown = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 35, 40, 50, 60, 80, 100];
  const bar = (value: number) =>
    '█'.repeat(Math.max(0, Math.round(2 * (Math.log10(value) - BAR_FLOOR))));
  const width = -2 * BAR_FLOOR;
  const lines = [
    `  k    RNN      LSTM   LSTM f≈0.5  RNN ${'(log scale: 2 chars = ×10)'.padEnd(width)}  LSTM`,
  ];
  for (const k of shown.filter((d) => d < run.distances.length)) {
    const [r, l, d] = [run.rnn[k], run.lstm[k], run.lstmDefaultInit[k]] as [number, number, number];
    lines.push(
      `${String(k).padStart(3)}  ${sci(r).padStart(7)}  ${sci(l).padStart(7)}  ${sci(d).padStart(7)}    ${bar(r).padEnd(width)}  ${bar(l)}`,
    );
  }
  return lines.join('\n');
}

function sci(x: number): string {
  return x.toExponential(1);
}

/** A log-scale line chart of the three curves, as a standalone SVG document. */
export function vanishingGradientsSvg(run: VanishingGradientsRun): string {
  const [width, height] = [640, 400];
  const [left, right, top, bottom] = [70, 170, 40, 50];
  const series = [
    { name: 'RNN (tanh)', values: run.rnn, colour: '#d62728', dash: '' },
    { name: 'LSTM, forget bias 1', values: run.lstm, colour: '#1f77b4', dash: '' },
    { name: 'LSTM, PyTorch init', values: run.lstmDefaultInit, colour: '#7f7f7f', dash: '6 4' },
  ];
  const lowest = Math.min(...series.flatMap((s) => s.values.map((v) => Math.log10(v))));
  const floor = Math.floor(lowest); // the y axis runs from 10^floor up to 10^0
  const maxDistance = run.distances.length - 1;
  const x = (k: number) => left + (k / maxDistance) * (width - left - right);
  const y = (v: number) => top + (Math.log10(v) / floor) * (height - top - bottom);
  const r = (n: number) => Math.round(n * 10) / 10;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<title>Vanishing gradients: RNN vs LSTM</title>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">How much of the last step's gradient reaches k steps back</text>`,
  ];
  const decadeStep = Math.max(1, Math.ceil(-floor / 8)); // at most ~8 gridlines
  for (let e = 0; e >= floor; e -= decadeStep) {
    const gy = r(y(10 ** e));
    parts.push(
      `<line x1="${left}" y1="${gy}" x2="${width - right}" y2="${gy}" stroke="#e0e0e0"/>`,
      `<text x="${left - 8}" y="${gy + 4}" text-anchor="end">1e${e}</text>`,
    );
  }
  const distanceStep = Math.max(1, Math.ceil(maxDistance / 8));
  for (let k = 0; k <= maxDistance; k += distanceStep) {
    parts.push(`<text x="${r(x(k))}" y="${height - bottom + 18}" text-anchor="middle">${k}</text>`);
  }
  parts.push(
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#333333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#333333"/>`,
    `<text x="${r((left + width - right) / 2)}" y="${height - 12}" text-anchor="middle">steps back from the loss (k)</text>`,
    `<text transform="rotate(-90 16 ${r((top + height - bottom) / 2)})" x="16" y="${r((top + height - bottom) / 2)}" text-anchor="middle">‖∂L/∂h‖ relative to k = 0 (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const points = s.values.map((v, k) => `${r(x(k))},${r(y(v))}`).join(' ');
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    const ly = top + 10 + i * 22;
    parts.push(
      `<polyline class="series" fill="none" stroke="${s.colour}" stroke-width="2"${dash} points="${points}"/>`,
      `<line x1="${width - right + 12}" y1="${ly}" x2="${width - right + 36}" y2="${ly}" stroke="${s.colour}" stroke-width="2"${dash}/>`,
      `<text x="${width - right + 42}" y="${ly + 4}">${s.name}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const run = runVanishingGradients({ steps: Number(process.argv[2] ?? 40) });
  mkdirSync(new URL('./output/', import.meta.url), { recursive: true });
  const file = new URL('./output/vanishing-gradients.svg', import.meta.url);
  writeFileSync(file, vanishingGradientsSvg(run));
  console.log(`\nwrote the chart to ${file.pathname}`);
}
