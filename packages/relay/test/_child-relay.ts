// A relay in a process of its own, for tests that kill it: SQLite in the directory
// given as the first argument, committed on a writer thread as `hotline relay` does,
// a free loopback port, open founders, and the limits given as JSON in the optional
// second argument. Prints one JSON line {"url": …} once it listens. Exits when its
// stdin closes, so it never outlives the test.
//
//   node --import tsx packages/relay/test/_child-relay.ts <dir> ['{"senderRate":1000}']

import { join } from 'node:path';
import { type RelayLimits, startRelay } from '../src/index.js';
import { openThreadedSqliteStore } from '../src/store/threaded.js';
import { RELAY_SECRET } from './_fixture.js';

const [dir, limitsJson] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: _child-relay.ts <dir> [limits-json]\n');
  process.exit(2);
}
const limits = (limitsJson === undefined ? {} : JSON.parse(limitsJson)) as Partial<RelayLimits>;

const relay = await startRelay({
  secretKey: RELAY_SECRET,
  store: openThreadedSqliteStore(join(dir, 'relay.sqlite')),
  founders: { mode: 'open' },
  port: 0,
  limits,
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ url: relay.url })}\n`);
