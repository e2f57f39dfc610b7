// Runs this implementation over the vector files in a directory laid out like
// test-vectors/ (one subdirectory per suite), without regenerating them: for a
// copy of the vectors elsewhere, or for tools that report per file.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Suite } from './format.js';
import { SUITES } from './suites.js';

/**
 * The test vectors: the copy a published package carries (`test-vectors/` beside
 * `dist/`, put there when it is packed), else the repository's `test-vectors/`.
 */
export const VECTORS_DIR: string = [
  new URL('../test-vectors', import.meta.url),
  new URL('../../../test-vectors', import.meta.url),
]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(dir)) as string;

export interface VectorFileReport {
  /** `<suite>/<file>`, relative to the directory checked. */
  readonly file: string;
  /** Tests found in the file's testGroups. */
  readonly vectors: number;
  readonly passed: number;
  readonly failed: number;
  /** One line per failure, as the suite's checker reports it. */
  readonly failures: readonly string[];
}

const TC_ID = /^tcId (\d+)\b/;

function countTests(content: unknown): number {
  const groups = (content as { testGroups?: unknown } | null)?.testGroups;
  if (!Array.isArray(groups)) return 0;
  return groups.reduce(
    (sum: number, group) => sum + ((group as { tests?: unknown[] })?.tests?.length ?? 0),
    0,
  );
}

function checkFile(suite: Suite, dir: string, name: string): VectorFileReport {
  const file = `${suite.name}/${name}`;
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(join(dir, suite.name, name), 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { file, vectors: 0, passed: 0, failed: 1, failures: [`unreadable: ${reason}`] };
  }
  const vectors = countTests(content);
  let failures: string[];
  try {
    failures = suite.check(name, content);
  } catch (error) {
    // A checker that throws on a damaged file fails the whole file, never skips it.
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    failures = [`the checker threw ${reason}`];
  }
  // A checker may report one test more than once; a line without a tcId (an
  // unexpected file, no testGroups) fails every test of the file.
  const failedIds = new Set<string>();
  let wholeFile = false;
  for (const line of failures) {
    const match = TC_ID.exec(line);
    if (match === null) wholeFile = true;
    else failedIds.add(match[1]!);
  }
  const failed = wholeFile ? Math.max(vectors, 1) : failedIds.size;
  return { file, vectors, passed: Math.max(vectors - failed, 0), failed, failures };
}

/**
 * Checks every `*.json` file in each suite's subdirectory of `dir`. A suite whose
 * subdirectory is missing or empty is reported as one failing entry, so that a
 * wrong directory never passes with zero vectors.
 */
export function checkVectorFiles(dir: string = VECTORS_DIR): VectorFileReport[] {
  const reports: VectorFileReport[] = [];
  for (const suite of SUITES) {
    const suiteDir = join(dir, suite.name);
    const names = existsSync(suiteDir)
      ? readdirSync(suiteDir)
          .filter((name) => name.endsWith('.json'))
          .sort()
      : [];
    if (names.length === 0) {
      reports.push({
        file: `${suite.name}/`,
        vectors: 0,
        passed: 0,
        failed: 1,
        failures: ['no vector files'],
      });
    }
    for (const name of names) reports.push(checkFile(suite, dir, name));
  }
  return reports;
}
