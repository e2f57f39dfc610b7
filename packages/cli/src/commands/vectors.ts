// `hotline vectors [dir]`: runs this implementation over every vector file of
// test-vectors/ (or of a copy of it) and prints one row per file and a summary.
// Every failing vector is listed; none is skipped.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkVectorFiles, VECTORS_DIR, type VectorFileReport } from '@hotline/vectors';
import type { Command } from 'commander';
import { ConfigError } from '../config-error.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { MainIo } from '../main.js';

export interface VectorsSummary {
  readonly dir: string;
  readonly files: readonly VectorFileReport[];
  readonly vectors: number;
  readonly passed: number;
  readonly failed: number;
}

/** Checks `dir` (default: the repository's test-vectors/). Throws ConfigError if it is no directory. */
export function runVectors(dir: string = VECTORS_DIR): VectorsSummary {
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `${dir} is not a directory`, 'dir');
  }
  const files = checkVectorFiles(dir);
  const sum = (pick: (file: VectorFileReport) => number) =>
    files.reduce((total, file) => total + pick(file), 0);
  return {
    dir,
    files,
    vectors: sum((file) => file.vectors),
    passed: sum((file) => file.passed),
    failed: sum((file) => file.failed),
  };
}

/** The human-readable report: a table, every failure, a summary line. */
export function renderVectors(summary: VectorsSummary): string[] {
  const rows = [
    ['file', 'vectors', 'passed', 'failed'],
    ...summary.files.map((f) => [f.file, `${f.vectors}`, `${f.passed}`, `${f.failed}`]),
  ];
  const width = (column: number) => Math.max(...rows.map((row) => row[column]!.length));
  const widths = [0, 1, 2, 3].map(width);
  const lines = rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  '),
  );
  for (const file of summary.files) {
    for (const failure of file.failures) lines.push(`FAIL ${file.file}: ${failure}`);
  }
  lines.push(
    `${summary.files.length} files, ${summary.vectors} vectors: ` +
      `${summary.passed} passed, ${summary.failed} failed (${summary.dir})`,
  );
  return lines;
}

function isClean(summary: VectorsSummary): boolean {
  return summary.failed === 0 && summary.vectors > 0;
}

export function registerVectorsCommand(
  program: Command,
  io: MainIo,
  done: (code: Promise<number>) => void,
): void {
  program
    .command('vectors')
    .description(
      "Run this implementation over every test vector file; exit 1 if any vector fails. Default: the repository's test-vectors/",
    )
    .argument('[dir]', 'a directory laid out like test-vectors/ (one subdirectory per suite)')
    .option('--json', 'print one JSON document')
    .action((dir: string | undefined, flags: { json?: boolean }) => {
      const summary = runVectors(dir === undefined ? VECTORS_DIR : resolve(io.cwd, dir));
      if (flags.json === true) {
        io.out(`${JSON.stringify({ ok: isClean(summary), ...summary }, null, 2)}\n`);
      } else {
        io.out(`${renderVectors(summary).join('\n')}\n`);
      }
      done(Promise.resolve(isClean(summary) ? EXIT_OK : EXIT_FAILURE));
    });
}
