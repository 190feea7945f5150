/**
 * The soak script with fewer steps: memory stays flat while training, so nothing (graphs,
 * gradient buffers, optimizer state) is retained from one step to the next. The full run, 10,000
 * steps, is recorded in docs/robustness.md.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('keeps the heap and the resident set flat over 900 training steps', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      'bench/soak.ts',
      '--steps',
      '900',
      '--every',
      '300',
      '--json',
    ],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  const { samples, gc } = JSON.parse(out.trim().split('\n').pop() as string) as {
    gc: boolean;
    samples: Array<{ step: number; heapMB: number; rssMB: number }>;
  };
  expect(gc).toBe(true);
  // After the first 300 steps (warm-up: compiled code, pooled buffers), growth must stay small.
  const [, warm, , last] = samples as [
    unknown,
    { heapMB: number; rssMB: number },
    unknown,
    { heapMB: number; rssMB: number },
  ];
  expect(last.heapMB - warm.heapMB).toBeLessThan(2);
  expect(last.rssMB - warm.rssMB).toBeLessThan(30);
});
