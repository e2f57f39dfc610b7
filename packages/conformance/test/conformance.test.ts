// The runner against our own relay, in-process, in open founding mode: every
// scenario must pass over both stores. Then the runner's own guarantees: a relay
// that never answers fails every scenario by its timeout (the run never hangs), and
// an unreachable one fails every scenario.

import { expect } from 'chai';
import { WebSocketServer } from 'ws';
import { type ConformanceReport, formatSummary, runConformance } from '../src/index.js';
import { openRelay } from './_relay.js';

function failuresOf(report: ConformanceReport): string[] {
  return report.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);
}

for (const sqlite of [false, true]) {
  describe(`conformance runner against our relay (${sqlite ? 'SQLite' : 'memory'} store)`, () => {
    let t: Awaited<ReturnType<typeof openRelay>>;
    before(async () => {
      t = await openRelay(sqlite);
    });
    after(() => t.stop());

    it('passes every scenario', async () => {
      const lines: string[] = [];
      const report = await runConformance({ url: t.relay.url, log: (line) => lines.push(line) });
      expect(failuresOf(report)).to.deep.equal([]);
      expect(report.results.length).to.be.greaterThan(30);
      expect(report.passed).to.equal(report.results.length);
      // One log line per scenario, in order; names are unique.
      expect(lines).to.deep.equal(report.results.map((r) => `ok   ${r.name}`));
      expect(new Set(report.results.map((r) => r.name)).size).to.equal(report.results.length);
      expect(formatSummary(report)).to.equal(`${report.passed} passed, 0 failed`);
    });
  });
}

describe('conformance runner against relays that misbehave', () => {
  it('fails every scenario of a relay that never answers by its timeout, without hanging', async () => {
    // Upgrades with the subprotocol, then says nothing.
    const server = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      handleProtocols: (p) => [...p][0] ?? false,
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    try {
      const report = await runConformance({ url: `ws://127.0.0.1:${port}`, timeoutMs: 20 });
      const failures = report.results.filter((r) => !r.ok);
      // Only the scenario about permessage-deflate may pass: ws does not negotiate it
      // by default (and it may still time out on a loaded machine).
      const passed = report.results.filter((r) => r.ok).map((r) => r.name);
      expect(passed.filter((name) => !name.includes('permessage-deflate'))).to.deep.equal([]);
      for (const failure of failures) {
        expect(failure.detail, failure.name).to.match(/^timed out after 20 ms waiting for /);
      }
    } finally {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('fails every scenario of a relay that cannot be reached', async () => {
    const { relay, stop } = await openRelay(false);
    const url = relay.url;
    await stop(); // the port is now closed
    const report = await runConformance({ url, timeoutMs: 2000 });
    expect(report.passed).to.equal(0);
    expect(report.failed).to.equal(report.results.length);
    for (const result of report.results) expect(result.detail).to.match(/ECONNREFUSED/);
  });

  it('rejects bad options with TypeError or RangeError', async () => {
    for (const [options, type] of [
      [{ url: 'http://127.0.0.1:1' }, RangeError],
      [{ url: 'ws://127.0.0.1:1', founderSecret: new Uint8Array(31) }, RangeError],
      [{ url: 'ws://127.0.0.1:1', timeoutMs: 0 }, RangeError],
      [{ url: 7 }, TypeError],
    ] as const) {
      let thrown: unknown;
      await runConformance(options as never).catch((error: unknown) => {
        thrown = error;
      });
      expect(thrown, JSON.stringify(options)).to.be.instanceOf(type);
    }
  });
});
