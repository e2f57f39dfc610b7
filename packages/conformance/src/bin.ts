#!/usr/bin/env node
// `hotline-conformance <ws-url> [--founder-key <hex seed>] [--timeout-ms <ms>] [--json]`:
// runs every scenario against the relay, prints one line per scenario and then
// "N passed, M failed". Exit 0 iff none failed, 1 if any did, 2 on a usage error.

import { type Arguments, parseArguments, USAGE, UsageError } from './arguments.js';
import { formatSummary, runConformance } from './run.js';

async function main(argv: readonly string[]): Promise<number> {
  let args: Arguments | 'help';
  try {
    args = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`hotline-conformance: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { json, ...options } = args;
  let report: Awaited<ReturnType<typeof runConformance>>;
  try {
    // Text lines stream as scenarios finish; JSON lines are written at the end.
    const log = json ? undefined : (line: string) => process.stdout.write(`${line}\n`);
    report = await runConformance({ ...options, ...(log ? { log } : {}) });
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      process.stderr.write(`hotline-conformance: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (json) {
    for (const result of report.results) process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  process.stdout.write(`${formatSummary(report)}\n`);
  return report.failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
