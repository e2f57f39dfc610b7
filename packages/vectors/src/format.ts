// The Wycheproof-style shape every file under test-vectors/ has (see
// test-vectors/schema/common.schema.json). Byte values are lowercase hex strings.

import { existsSync, readFileSync } from 'node:fs';

export type Result = 'valid' | 'invalid';

export interface TestCase {
  /** Unique within the file, from 1, in order. */
  tcId: number;
  comment: string;
  /** Names of `notes` entries that describe why this case exists. */
  flags: string[];
  result: Result;
  /** Registry error code (protocol/registries/errors.json) when result is invalid. */
  error?: string;
  [field: string]: unknown;
}

export interface TestGroup<T extends TestCase = TestCase> {
  type: string;
  [param: string]: unknown;
  tests: T[];
}

export interface VectorFile<T extends TestCase = TestCase> {
  /** Relative path of the JSON Schema that describes this file. */
  $schema: string;
  algorithm: string;
  /** Spec chapter the vectors exercise. */
  spec: string;
  numberOfTests: number;
  header: string[];
  notes: Record<string, string>;
  testGroups: TestGroup<T>[];
}

/** One directory of test-vectors/: how to generate its files and how to check them. */
export interface Suite {
  /** Directory name under test-vectors/. */
  readonly name: string;
  /** Generates every file of the suite: file name → JSON value. Deterministic. */
  generate(): Record<string, unknown>;
  /**
   * Runs this implementation over one generated file and returns one line per
   * failing case (empty when every case behaves as the file says).
   */
  check(fileName: string, content: unknown): string[];
}

/** Numbers tcIds 1..n across groups and fills numberOfTests. */
export function finaliseFile<T extends TestCase>(
  file: Omit<VectorFile<T>, 'numberOfTests'>,
): VectorFile<T> {
  let tcId = 0;
  for (const group of file.testGroups) for (const test of group.tests) test.tcId = ++tcId;
  return { ...file, numberOfTests: tcId };
}

/**
 * Codes of the given registry layers, read from protocol/registries/errors.json (the
 * copy a published package carries, else the repository's).
 */
export function registryCodes(...layers: string[]): string[] {
  const path = [
    new URL('../registries/errors.json', import.meta.url),
    new URL('../../../protocol/registries/errors.json', import.meta.url),
  ].find((url) => existsSync(url))!;
  const registry = JSON.parse(readFileSync(path, 'utf8')) as {
    codes: { code: string; layer: string }[];
  };
  return registry.codes.filter((c) => layers.includes(c.layer)).map((c) => c.code);
}

/** Every flag used has a note and every note is used; throws otherwise (generator bug). */
export function checkNotes(
  name: string,
  notes: Record<string, string>,
  tests: readonly { flags: string[] }[],
): void {
  const used = new Set(tests.flatMap((t) => t.flags));
  for (const flag of used) {
    if (!(flag in notes)) throw new Error(`${name}: flag ${flag} has no note`);
  }
  for (const flag of Object.keys(notes)) {
    if (!used.has(flag)) throw new Error(`${name}: note ${flag} is unused`);
  }
}

/** A vector's own check: undefined when this implementation behaves as it says. */
export type TestChecker<G, T> = (group: G, test: T) => string | undefined;

/** Runs `checkTest` over every test of a parsed file: one line per failing test. */
export function checkEachTest<G extends { tests?: T[] }, T extends TestCase>(
  content: unknown,
  checkTest: TestChecker<G, T>,
): string[] {
  const file = content as { testGroups?: G[] };
  if (!Array.isArray(file?.testGroups)) return ['no testGroups'];
  const failures: string[] = [];
  for (const group of file.testGroups) {
    for (const test of group.tests ?? []) {
      const failure = checkTest(group, test);
      if (failure !== undefined) failures.push(`tcId ${test.tcId} (${test.comment}): ${failure}`);
    }
  }
  return failures;
}

/**
 * Finalises a file after the generator's own checks: notes match flags, and every
 * test already behaves here as the file will say (a generator bug fails loudly).
 */
export function selfCheckedFile<T extends TestCase>(
  file: Omit<VectorFile<T>, 'numberOfTests'>,
  checkTest: TestChecker<TestGroup<T>, T>,
): VectorFile<T> {
  checkNotes(
    file.algorithm,
    file.notes,
    file.testGroups.flatMap((g) => g.tests),
  );
  for (const group of file.testGroups) {
    for (const test of group.tests) {
      const failure = checkTest(group, test);
      if (failure !== undefined) throw new Error(`${file.algorithm}: ${test.comment}: ${failure}`);
    }
  }
  return finaliseFile(file);
}
