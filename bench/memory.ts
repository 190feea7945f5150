/**
 * Peak memory: runs W3 (an encoder-layer train step) 50 times for one library and prints the
 * process's maximum resident set size in MB. `npm run bench` starts one process per library.
 *
 * Usage: tsx bench/memory.ts seqgrad|tfjs-cpu|tfjs-wasm
 */
const library = process.argv[2];
let step: () => unknown;
if (library === 'seqgrad') {
  const { seqgrad } = await import('./seqgrad.js');
  step = seqgrad.encoderStep();
} else if (library === 'tfjs-cpu' || library === 'tfjs-wasm') {
  const { tfjsLibrary, useBackend } = await import('./tfjs.js');
  await useBackend(library === 'tfjs-cpu' ? 'cpu' : 'wasm');
  step = tfjsLibrary(library).encoderStep();
} else {
  throw new Error(
    `bench/memory: unknown library '${library}'; expected seqgrad, tfjs-cpu or tfjs-wasm`,
  );
}
for (let i = 0; i < 50; i++) step();
// maxRSS is in kilobytes.
console.log(JSON.stringify({ library, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
