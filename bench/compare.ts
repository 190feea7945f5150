/**
 * Head-to-head on a shared, noisy machine: alternates seqgrad and tfjs-wasm on one workload for
 * several rounds and prints the ratio of each round, so load that comes and goes hits both.
 *
 * Usage: tsx bench/compare.ts matmul|attention|encoderStep|rnn [rounds]
 */
import { seqgrad } from './seqgrad.js';
import { tfjsLibrary, useBackend } from './tfjs.js';
import { measure } from './timing.js';
import { MATMUL_SIZES } from './workloads.js';

const workload = process.argv[2] ?? 'attention';
const rounds = Number(process.argv[3] ?? 5);
await useBackend('wasm');
const peer = tfjsLibrary('tfjs-wasm');

const pairs: Array<[string, () => unknown, () => unknown]> =
  workload === 'matmul'
    ? MATMUL_SIZES.map((n) => [`matmul ${n}³`, seqgrad.matmul(n), peer.matmul(n)])
    : workload === 'attention' || workload === 'encoderStep' || workload === 'rnn'
      ? [[workload, seqgrad[workload](), peer[workload]()]]
      : [];
if (pairs.length === 0)
  throw new Error(
    `bench/compare: unknown workload '${workload}'; expected matmul, attention, encoderStep or rnn`,
  );
for (const [name, mine, theirs] of pairs) {
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const a = await measure(mine, { reps: 7 });
    const b = await measure(theirs, { reps: 7 });
    ratios.push(a.median / b.median);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  console.log(
    `${name}: seqgrad time / tfjs-wasm time per round ${ratios.map((r) => r.toFixed(2)).join(' ')}; median ${sorted[Math.floor(rounds / 2)]?.toFixed(2)}`,
  );
}
