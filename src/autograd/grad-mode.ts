/**
 * Grad mode: whether new operations record the graph.
 * @module
 */

let enabled = true;

/** True unless running inside {@link noGrad}. */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording the graph (like `with torch.no_grad():`) and returns its result;
 * tensors it creates have `requiresGrad` false. Use it for evaluation and weight updates.
 * `fn` must be synchronous: grad mode is restored when it returns, not when a promise settles.
 *
 * @example
 * ```ts
 * const w = randn([3, 2], { requiresGrad: true });
 * const prediction = noGrad(() => randn([4, 3]).matmul(w)); // no graph kept, less memory
 * prediction.requiresGrad; // false
 * ```
 * @throws TypeError if `fn` returns a Promise
 */
export function noGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = false;
  let result: T;
  try {
    result = fn();
  } finally {
    enabled = previous;
  }
  if (result instanceof Promise) {
    throw new TypeError(
      'noGrad: fn returned a Promise; noGrad only covers synchronous code, so work after an await would record the graph',
    );
  }
  return result;
}
