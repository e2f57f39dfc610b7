// How a scenario fails: a ConformanceFailure says, in one line, what the spec asks
// and what the relay did. Anything else thrown by a scenario is reported as a fault
// of the runner or of an answer it could not handle.

import { isHotlineError } from '@hotline/codec';

export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}

/** Throws a ConformanceFailure unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Strict equality of two plain values, named in the failure. */
export function checkEqual<T>(actual: T, expected: T, what: string): void {
  check(actual === expected, `${what}: expected ${String(expected)}, got ${String(actual)}`);
}

/**
 * Runs a verification that throws HotlineError (verifyReceipt, openCheckpoint, …)
 * and turns its code into a failure naming what was being verified.
 */
export function verifying<T>(what: string, verify: () => T): T {
  try {
    return verify();
  } catch (error) {
    if (isHotlineError(error)) throw new ConformanceFailure(`${what}: ${error.code}`);
    throw error;
  }
}

/** One line for a result's detail. */
export function describeError(error: unknown): string {
  if (error instanceof ConformanceFailure) return error.message;
  if (isHotlineError(error)) return `unexpected ${error.code}: ${error.message}`;
  if (error instanceof Error) return `unexpected ${error.name}: ${error.message}`;
  return `unexpected ${String(error)}`;
}
