/**
 * npm run bench: every workload for seqgrad and, in the same run, for TensorFlow.js's cpu and
 * wasm backends. Prints one table of medians with the ratio seqgrad / peer, and writes the
 * results as JSON to bench/results/latest.json. How to read it: docs/performance.md.
 *
 * Options: --quick (fewer repetitions, for a smoke run).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { useWasmGemm } from '../src/ndarray/wasm-gemm.js';
import { seqgrad } from './seqgrad.js';
import { tfjsLibrary, useBackend } from './tfjs.js';
import { measure } from './timing.js';
import { type Library, MATMUL_SIZES, W5 } from './workloads.js';

const quick = process.argv.includes('--quick');
const reps = quick ? 3 : 7;

interface Row {
  workload: string;
  unit: 'ms' | 'GFLOP/s' | 'tokens/s' | 'MB';
  /** Per library: the median in `unit`. */
  values: Record<string, number>;
}

async function timeLibrary(library: Library, before?: () => Promise<void>): Promise<Row[]> {
  await before?.();
  const rows: Row[] = [];
  for (const n of MATMUL_SIZES) {
    const t = await measure(library.matmul(n), { reps: n >= 512 ? Math.max(3, reps - 2) : reps });
    rows.push({
      workload: `W1 matmul ${n}³`,
      unit: 'GFLOP/s',
      values: { [library.name]: (2 * n ** 3) / t.median / 1e6 },
    });
  }
  const w2 = await measure(library.attention(), { reps });
  rows.push({
    workload: 'W2 self-attention fwd+bwd',
    unit: 'ms',
    values: { [library.name]: w2.median },
  });
  const w3 = await measure(library.encoderStep(), { reps });
  rows.push({
    workload: 'W3 encoder layer train step',
    unit: 'ms',
    values: { [library.name]: w3.median },
  });
  const w4 = await measure(library.rnn(), { reps });
  rows.push({
    workload: 'W4 RNN BPTT (cell loop)',
    unit: 'ms',
    values: { [library.name]: w4.median },
  });
  return rows;
}

function merge(all: Row[][]): Row[] {
  const merged = new Map<string, Row>();
  for (const row of all.flat()) {
    const existing = merged.get(row.workload);
    if (existing) Object.assign(existing.values, row.values);
    else merged.set(row.workload, { ...row, values: { ...row.values } });
  }
  return [...merged.values()];
}

function peakMemory(library: string): number {
  const script = fileURLToPath(new URL('./memory.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, library], {
    encoding: 'utf8',
  });
  return (JSON.parse(out.trim().split('\n').pop() as string) as { maxRssMB: number }).maxRssMB;
}

const started = new Date();
console.log(
  `seqgrad benchmark, ${started.toISOString()}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}${quick ? ', quick' : ''}`,
);
const rows = merge([
  await timeLibrary(seqgrad),
  await timeLibrary(tfjsLibrary('tfjs-cpu'), () => useBackend('cpu')),
  await timeLibrary(tfjsLibrary('tfjs-wasm'), () => useBackend('wasm')),
]);

// The JavaScript kernel alone (the fallback where WebAssembly SIMD cannot run).
useWasmGemm('js');
const jsOnly = await measure(seqgrad.matmul(512), { reps: Math.max(3, reps - 2) });
useWasmGemm('auto');
// Compared with the peers' 512³ numbers, so its ratio columns read as the W1 target does.
const peers512 = rows.find((r) => r.workload === 'W1 matmul 512³')?.values ?? {};
rows.splice(3, 0, {
  workload: 'W1 matmul 512³, JavaScript kernel only',
  unit: 'GFLOP/s',
  values: { ...peers512, seqgrad: (2 * 512 ** 3) / jsOnly.median / 1e6 },
});
const layer = await measure(seqgrad.rnnLayer(), { reps });
rows.push({ workload: 'W4 RNN BPTT (RNN layer)', unit: 'ms', values: { seqgrad: layer.median } });
for (const cache of [false, true]) {
  const t = await measure(seqgrad.decode(cache), { reps: quick ? 2 : 5, warmup: 1 });
  rows.push({
    workload: `W5 greedy decoding, ${cache ? 'with' : 'without'} KV cache`,
    unit: 'tokens/s',
    values: { seqgrad: W5.tokens / (t.median / 1000) },
  });
}
rows.push({
  workload: 'W3 × 50 steps, peak RSS',
  unit: 'MB',
  values: Object.fromEntries(
    ['seqgrad', 'tfjs-cpu', 'tfjs-wasm'].map((lib) => [lib, peakMemory(lib)]),
  ),
});

const libraries = ['seqgrad', 'tfjs-cpu', 'tfjs-wasm'];
const format = (v: number | undefined) =>
  v === undefined ? '' : v >= 100 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2);
/** seqgrad / peer: below 1 is better for times and memory, above 1 for throughput. */
const ratio = (row: Row, peer: string) => {
  const mine = row.values.seqgrad;
  const theirs = row.values[peer];
  return mine === undefined || theirs === undefined ? '' : `${(mine / theirs).toFixed(2)}x`;
};
const header = ['workload', 'unit', ...libraries, 'seqgrad/tfjs-cpu', 'seqgrad/tfjs-wasm'];
const lines = [
  `| ${header.join(' | ')} |`,
  `| ${header.map(() => '---').join(' | ')} |`,
  ...rows.map(
    (r) =>
      `| ${[r.workload, r.unit, ...libraries.map((l) => format(r.values[l])), ratio(r, 'tfjs-cpu'), ratio(r, 'tfjs-wasm')].join(' | ')} |`,
  ),
];
const cacheSpeedup =
  (rows.find((r) => r.workload.includes('with KV'))?.values.seqgrad ?? 0) /
  (rows.find((r) => r.workload.includes('without KV'))?.values.seqgrad ?? 1);
console.log(
  `\n${lines.join('\n')}\n\nW5: the KV cache makes greedy decoding ${cacheSpeedup.toFixed(2)}x faster.`,
);

const results = new URL('./results/', import.meta.url);
mkdirSync(results, { recursive: true });
writeFileSync(
  new URL('latest.json', results),
  `${JSON.stringify({ date: started.toISOString(), machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGB: totalmem() / 2 ** 30, node: process.version }, quick, rows, cacheSpeedup }, null, 2)}\n`,
);
console.log('wrote bench/results/latest.json');
