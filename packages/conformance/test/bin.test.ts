// The hotline-conformance executable: its arguments, its output ("N passed, M
// failed" last) and its exit codes (0 iff nothing failed, 1 otherwise, 2 on usage).

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { toHex } from '@hotline/codec';
import { expect } from 'chai';
import { parseArguments, UsageError } from '../src/arguments.js';
import { openRelay } from './_relay.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

function runBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('hotline-conformance arguments', () => {
  it('parses a URL, --founder-key (both forms), --timeout-ms and --json', () => {
    const key = 'ab'.repeat(32);
    const args = parseArguments(['ws://127.0.0.1:7400', `--founder-key=${key}`, '--json']);
    expect(args).to.not.equal('help');
    if (args === 'help') return;
    expect(args.url).to.equal('ws://127.0.0.1:7400');
    expect(toHex(args.founderSecret!)).to.equal(key);
    expect(args.json).to.equal(true);
    expect(parseArguments(['--timeout-ms', '250', 'wss://relay.example.org/x'])).to.deep.equal({
      url: 'wss://relay.example.org/x',
      timeoutMs: 250,
      json: false,
    });
    expect(parseArguments(['--help'])).to.equal('help');
  });

  it('refuses what it cannot run with a UsageError', () => {
    for (const argv of [
      [],
      ['http://127.0.0.1:7400'],
      ['ws://a', 'ws://b'],
      ['ws://a', '--founder-key'],
      ['ws://a', '--founder-key', 'abcd'],
      ['ws://a', '--timeout-ms', '0'],
      ['ws://a', '--timeout-ms', '1.5'],
      ['ws://a', '--verbose'],
    ]) {
      expect(() => parseArguments(argv), argv.join(' ')).to.throw(UsageError);
    }
  });
});

describe('hotline-conformance executable', () => {
  it('exits 2 on a usage error, with the usage on stderr', async () => {
    const { code, stdout, stderr } = await runBin(['ws://127.0.0.1:1', '--founder-key', 'abc']);
    expect(code).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr).to.match(/^hotline-conformance: .*\nusage:/);
  });

  it('prints a line per scenario and "N passed, 0 failed", exit 0, against our relay', async () => {
    const { relay, stop } = await openRelay(false);
    try {
      const { code, stdout } = await runBin([
        relay.url,
        '--founder-key',
        'cd'.repeat(32),
        '--json',
      ]);
      const lines = stdout.trimEnd().split('\n');
      const summary = lines.pop();
      expect(summary).to.equal(`${lines.length} passed, 0 failed`);
      expect(lines.length).to.be.greaterThan(30);
      for (const line of lines) expect(JSON.parse(line)).to.include({ ok: true });
      expect(code).to.equal(0);
    } finally {
      await stop();
    }
  });

  it('exits 1 when a scenario fails', async () => {
    const { relay, stop } = await openRelay(false);
    const url = relay.url;
    await stop(); // nothing listens there now: every scenario fails
    const { code, stdout } = await runBin([url, '--timeout-ms', '1000']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.pop()).to.equal(`0 passed, ${lines.length} failed`);
    expect(lines.every((line) => line.startsWith('FAIL '))).to.equal(true);
    expect(code).to.equal(1);
  });
});
