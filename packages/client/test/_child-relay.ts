// A relay in a process of its own, for tests that SIGKILL it: SQLite in <dir>, the
// relay key from its hex secret, on 127.0.0.1:<port>, founders open. Prints one JSON
// line {"url": …} once it listens; exits when its stdin closes.
//
//   node --import tsx packages/client/test/_child-relay.ts <dir> <secret-hex> <port>

import { join } from 'node:path';
import { fromHex } from '@hotline/codec';
import { openSqliteStore, startRelay } from '@hotline/relay';

const [dir, secretHex, port] = process.argv.slice(2);
if (dir === undefined || secretHex === undefined || port === undefined) {
  process.stderr.write('usage: _child-relay.ts <dir> <secret-hex> <port>\n');
  process.exit(2);
}
const relay = await startRelay({
  secretKey: fromHex(secretHex),
  store: openSqliteStore(join(dir, 'relay.sqlite')),
  founders: { mode: 'open' },
  port: Number(port),
  verifyWorkers: 0,
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ url: relay.url })}\n`);
