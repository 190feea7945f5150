/** Anomaly detection names the first op that turns finite numbers into NaN or infinity. */
import { describe, expect, it } from 'vitest';
import {
  AnomalyError,
  causalMask,
  detectAnomaly,
  isAnomalyDetectionEnabled,
  MultiHeadAttention,
  randn,
  tensor,
} from '../../src/index.js';

function failure(fn: () => unknown): AnomalyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AnomalyError) return error;
    throw error;
  }
  throw new Error('expected an AnomalyError');
}

describe('detectAnomaly', () => {
  it('names the op whose forward pass made -Infinity, with the index and the caller', () => {
    const x = tensor([1, 0, 2], { requiresGrad: true });
    const error = failure(() => detectAnomaly(() => x.mul(2).log().sum()));
    expect(error.message).toMatch(
      /^anomaly: log produced -Infinity at index \[1\] of its output from finite inputs; it was called at:\n/,
    );
    expect(error.message).toContain('anomaly.test.ts');
  });

  it('names the op whose forward pass made NaN', () => {
    const zero = tensor([0, 1]);
    expect(failure(() => detectAnomaly(() => zero.div(zero))).message).toMatch(
      /^anomaly: div produced NaN at index \[0\]/,
    );
  });

  it('names the op whose backward pass made an infinite gradient from a finite one', () => {
    const x = tensor([0, 4], { requiresGrad: true });
    const y = detectAnomaly(() => x.sqrt()); // sqrt(0) = 0 is finite; its gradient is not
    const error = failure(() => detectAnomaly(() => y.sum().backward()));
    expect(error.message).toMatch(
      /^anomaly: the backward pass of pow produced Infinity at index \[0\] of the gradient of its input 0/,
    );
  });

  it('lets intended infinities through: masks that block attention, and values derived from them', () => {
    const attention = new MultiHeadAttention(8, 2);
    const x = randn([2, 5, 8], { requiresGrad: true });
    expect(() =>
      detectAnomaly(() => {
        attention
          .forward(x, x, x, { attnMask: causalMask(5) })
          .output.sum()
          .backward();
        attention
          .forward(x, x, x, {
            keyPaddingMask: [
              [false, false, true, true, true],
              [true, true, true, true, true],
            ],
          })
          .output.sum()
          .backward();
      }),
    ).not.toThrow();
  });

  it('is off by default and restored after detectAnomaly, even after a throw', () => {
    expect(isAnomalyDetectionEnabled()).toBe(false);
    expect(() => tensor([0]).log()).not.toThrow();
    expect(() => detectAnomaly(() => tensor([0]).log())).toThrow(AnomalyError);
    expect(isAnomalyDetectionEnabled()).toBe(false);
  });
});
