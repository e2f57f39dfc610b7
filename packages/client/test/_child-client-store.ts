// A client store in a process of its own, for the test that kills it: opens the
// SQLite store at the path given as the first argument and adds own envelopes to
// CRASH_CHANNEL after the head it finds, forever, printing each seq on a line of its
// own once addOwnEnvelope has returned, so every seq the parent reads was committed
// before it was printed (a line still buffered at the kill is merely never read).
// Yields to the event loop between small batches so that it exits when its stdin
// closes and never outlives the test.
//
//   node --import tsx packages/client/test/_child-client-store.ts <path>

import { openSqliteClientStore } from '../src/node/index.js';
import { CRASH_CHANNEL, CRASH_CHARTER, ownEnvelopeFor } from './_own-chain.js';

const [path] = process.argv.slice(2);
if (path === undefined) {
  process.stderr.write('usage: _child-client-store.ts <path>\n');
  process.exit(2);
}
const store = openSqliteClientStore(path);
store.putChannel(CRASH_CHANNEL, CRASH_CHARTER);
let seq = store.ownHead(CRASH_CHANNEL)?.seq ?? 0;

function batch(): void {
  for (let i = 0; i < 8; i++) {
    seq += 1;
    store.addOwnEnvelope(CRASH_CHANNEL, ownEnvelopeFor(seq));
    process.stdout.write(`${seq}\n`);
  }
  setImmediate(batch);
}

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
batch();
