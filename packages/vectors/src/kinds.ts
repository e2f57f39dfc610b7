// One Suite for the shared directory test-vectors/kinds/: each file is made and
// checked by the module that owns it (statements, protocol kinds, the measures
// ledger, channel kinds), so the directory holds exactly what they generate.
import type { Suite } from './format.js';
import { kindsChannelSuite } from './kinds-channel.js';
import { kindsMeasuresLedgerSuite } from './kinds-measures-ledger.js';
import { kindsProtocolSuite } from './kinds-protocol.js';
import { kindsStatementsSuite } from './kinds-statements.js';

const PARTS: readonly Suite[] = [
  kindsStatementsSuite,
  kindsProtocolSuite,
  kindsMeasuresLedgerSuite,
  kindsChannelSuite,
];

function generate(): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const part of PARTS) {
    for (const [name, content] of Object.entries(part.generate())) {
      if (name in files) throw new Error(`kinds: two modules make ${name}`);
      files[name] = content;
    }
  }
  return files;
}

/** The module whose generator makes `fileName` checks it. */
function check(fileName: string, content: unknown): string[] {
  const owner = PARTS.find((part) => fileName in part.generate());
  return owner === undefined ? [`unexpected file ${fileName}`] : owner.check(fileName, content);
}

export const kindsSuite: Suite = { name: 'kinds', generate, check };
