import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/index.js';
import { inputsFor, opTable } from './op-table.js';

describe('float64 finite-difference gradient check of every op', () => {
  for (const c of opTable) {
    it(c.name, () => {
      const result = gradcheck(c.fn, inputsFor(c));
      expect(result.ok, JSON.stringify(result)).toBe(true);
      expect(result.maxAbsError).toBeLessThan(1e-5);
    });
  }
});
