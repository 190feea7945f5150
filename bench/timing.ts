/** Timing helpers: warm-up, repetitions, median. Benchmarks only; tests never assert a time. */

/** A measured workload: median and all repetition times in milliseconds. */
export interface Timing {
  median: number;
  times: number[];
}

/** Runs `fn` `warmup` times untimed, then `reps` times timed; returns the median. */
export async function measure(
  fn: () => unknown | Promise<unknown>,
  { warmup = 2, reps = 7 } = {},
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] as number, times };
}
