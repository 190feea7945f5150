/**
 * The shared assertion of the error-message tests: a bad call throws an error of one class with
 * one exact message (STYLE §2.6: the call, the argument, what was expected, what arrived).
 */
import { expect, it } from 'vitest';

/** An error class, compared by name so subclasses do not pass for their parents. */
export type ErrorKind = { name: string };
/** `[label, call, error class (null: not pinned yet), message (RegExp: wording still open)]` */
export type ErrorCase = [string, () => unknown, ErrorKind | null, string | RegExp];

/** The error `fn` throws; fails the test when it returns instead. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** Checks the error's exact class and message in one comparison, so a failure shows both. */
export function expectError(
  fn: () => unknown,
  kind: ErrorKind | null,
  message: string | RegExp,
): void {
  const error = thrown(fn);
  expect({ kind: error.constructor.name, message: error.message }).toEqual({
    kind: kind ? kind.name : expect.any(String),
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
}

/** One test per case, labelled by the case. */
export function checkErrors(cases: ErrorCase[]): void {
  it.each(cases)('%s', (_, fn, kind, message) => {
    expectError(fn, kind, message);
  });
}
