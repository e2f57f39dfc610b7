// A relay in a process of its own for bench/client.ts: SQLite in <dir> (the store's
// defaults: WAL, synchronous=FULL), the relay key from its hex secret, a free
// loopback port, founders open, the default verify workers. Rate limits come as a
// JSON argument (the bench raises them). Answers `stats` with its CPU and group
// commits; exits on `exit` or when the parent goes away.
//
//   node --import tsx bench/client/relay-child.ts <dir> <secret-hex> <limits-json>

import { join } from 'node:path';
import { fromHex } from '@hotline/codec';
import { openSqliteStore, type RelayLimits, startRelay } from '@hotline/relay';
import type { ChildStats, FromChild, ToChild } from './protocol.js';

const [dir, secretHex, limitsJson = '{}'] = process.argv.slice(2);
if (dir === undefined || secretHex === undefined || process.send === undefined) {
  process.stderr.write(
    'usage (forked, with IPC): relay-child.ts <dir> <secret-hex> [limits-json]\n',
  );
  process.exit(2);
}
const send = (message: FromChild) => process.send?.(message);

const relay = await startRelay({
  secretKey: fromHex(secretHex),
  store: openSqliteStore(join(dir, 'relay.sqlite')),
  founders: { mode: 'open' },
  port: 0,
  limits: JSON.parse(limitsJson) as Partial<RelayLimits>,
});

/** Group commits so far: count, total ms and entries (prom-client histogram counts and sums). */
async function commits(): Promise<{ commits: number; commitMs: number; entries: number }> {
  const metrics = await relay.metrics.registry.getMetricsAsJSON();
  const value = (metric: string, name: string) =>
    (
      (metrics.find((m) => m.name === metric)?.values ?? []) as {
        metricName?: string;
        value: number;
      }[]
    ).find((v) => v.metricName === name)?.value ?? Number.NaN;
  return {
    commits: value('hotline_commit_seconds', 'hotline_commit_seconds_count'),
    commitMs: value('hotline_commit_seconds', 'hotline_commit_seconds_sum') * 1000,
    entries: value('hotline_commit_entries', 'hotline_commit_entries_sum'),
  };
}

let closing = false;
async function exit(): Promise<void> {
  if (closing) return;
  closing = true;
  await relay.close();
  process.exit(0);
}

process.on('message', (message: ToChild) => {
  if (message.type === 'exit') void exit();
  else if (message.type === 'stats') {
    void commits().then((c) => {
      const cpu = process.cpuUsage();
      const stats: ChildStats = { cpuMs: (cpu.user + cpu.system) / 1000, ...c };
      send({ type: 'stats', stats });
    });
  }
});
process.on('disconnect', () => void exit());
send({ type: 'ready', url: relay.url });
