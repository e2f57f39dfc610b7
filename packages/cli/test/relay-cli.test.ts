// `hotline relay` as an operator runs it: the built executable in a child process,
// its JSON log lines read as they come (no sleeps), HTTP and WebSocket on the port
// it reports, files on disk, signals and exit codes.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { decodeFrame, toHex } from '@hotline/codec';
import { expect } from 'chai';
import WebSocket from 'ws';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const SUBPROTOCOL = 'hotline.v0.1';
/** No verifying worker threads: they start slowly and these tests verify nothing. */
const FAST = ['--verify-workers', '0'];

type LogLine = { level: number; msg: string } & Record<string, unknown>;

/** A running `hotline` process and the log lines it has written so far. */
class HotlineProcess {
  readonly lines: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] =
    [];

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text) as LogLine; // every stdout line must be JSON
      this.lines.push(line);
      for (const waiter of [...this.#waiters]) {
        if (waiter.predicate(line)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  static start(args: string[], env: Record<string, string> = {}): HotlineProcess {
    // Only what the test sets: an operator's HOTLINE_* variables must not leak in.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('HOTLINE_')),
    );
    return new HotlineProcess(
      spawn(process.execPath, [BIN, ...args], {
        env: { ...inherited, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  }

  /** The first log line (already written or to come) with this message; fails on exit. */
  async waitFor(msg: string): Promise<LogLine> {
    const seen = this.lines.find((line) => line.msg === msg);
    if (seen !== undefined) return seen;
    const line = new Promise<LogLine>((resolve) =>
      this.#waiters.push({ predicate: (candidate) => candidate.msg === msg, resolve }),
    );
    const exited = this.exited.then(({ code }) => {
      throw new Error(`exited (${code}) before "${msg}"; stderr: ${this.stderr}`);
    });
    return Promise.race([line, exited]);
  }

  /** Waits for the listening line; returns the relay's URL and key. */
  async listening(): Promise<{ url: string; relay: string; http: string }> {
    const line = await this.waitFor('relay listening');
    const url = line['url'] as string;
    return { url, relay: line['relay'] as string, http: url.replace(/^ws:/, 'http:') };
  }

  /** Sends SIGTERM and waits for the exit. */
  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return (await this.exited).code;
  }
}

/**
 * Opens a WebSocket; resolves with it and its first message. The listener is in place
 * before the upgrade completes: the challenge can arrive in the same read as the 101.
 */
function openSocket(url: string): Promise<{ ws: WebSocket; first: Buffer }> {
  const ws = new WebSocket(url, [SUBPROTOCOL], { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.once('message', (data: Buffer) => resolve({ ws, first: data }));
    ws.once('error', reject);
    ws.once('close', () => reject(new Error('closed before the first message')));
  });
}

describe('hotline relay (child process)', function () {
  this.timeout(15_000);
  let root: string;
  const running: HotlineProcess[] = [];

  function start(args: string[], env?: Record<string, string>): HotlineProcess {
    const process_ = HotlineProcess.start(args, env);
    running.push(process_);
    return process_;
  }

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hotline-cli-'));
  });
  afterEach(() => {
    // A failed test must not leave a relay running.
    for (const process_ of running.splice(0)) {
      if (process_.child.exitCode === null && process_.child.signalCode === null) {
        process_.child.kill('SIGKILL');
      }
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('serves /healthz, /metrics and the challenge on the port it logs, then stops on SIGTERM', async () => {
    const dataDir = join(root, 'first', 'data'); // parents missing: created too
    const relay = start(['relay', '--port', '0', '--data-dir', dataDir]);
    const { url, relay: relayKey, http } = await relay.listening();
    expect(url).to.match(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(url).to.not.match(/:0$/); // the real port, not the one asked for

    // The key file: unencrypted (the relay starts unattended), owner-only, and the
    // key the relay announces.
    const keyFile = JSON.parse(readFileSync(join(dataDir, 'relay-key.json'), 'utf8'));
    expect(keyFile.secretKey).to.match(/^[0-9a-f]{64}$/);
    expect(keyFile.publicKey).to.equal(relayKey);
    expect(statSync(join(dataDir, 'relay-key.json')).mode & 0o777).to.equal(0o600);
    expect(statSync(dataDir).mode & 0o777).to.equal(0o700);
    expect(statSync(join(dataDir, 'relay.sqlite')).isFile()).to.equal(true);
    expect(relay.lines.some((line) => line.msg.startsWith('NO FOUNDERS ALLOWED'))).to.equal(true);

    const health = await fetch(`${http}/healthz`);
    expect(health.status).to.equal(200);
    expect(health.headers.get('content-type')).to.equal('application/json');
    expect(await health.json()).to.include({ status: 'ok', relay: relayKey });

    const { ws, first } = await openSocket(url);
    expect(ws.protocol).to.equal(SUBPROTOCOL);
    const challenge = decodeFrame(new Uint8Array(first), { from: 'relay' });
    expect(challenge.type).to.equal('challenge');
    expect(challenge.type === 'challenge' && toHex(challenge.relay)).to.equal(keyFile.publicKey);

    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(metrics).to.match(/^hotline_connections 1$/m);
    // process metrics (prom-client defaults) are on for an operator's relay
    expect(metrics).to.match(/^process_resident_memory_bytes \d+/m);

    // Graceful shutdown: the open connection is told and closed (1001), exit 0.
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    expect(await relay.stop()).to.equal(0);
    expect(await closed).to.equal(1001);
    const messages = relay.lines.map((line) => line.msg);
    expect(messages).to.include('relay stopped');
    expect(messages.indexOf('relay stopped')).to.equal(messages.length - 1);
    expect(relay.stderr).to.equal('');
  });

  it('keeps its key across restarts on the same data directory', async () => {
    const dataDir = join(root, 'restart');
    const first = start(['relay', '--port', '0', '--data-dir', dataDir, ...FAST]);
    const { relay: key1 } = await first.listening();
    expect(first.lines.some((line) => line.msg.startsWith('relay key generated'))).to.equal(true);
    expect(await first.stop()).to.equal(0);

    const second = start(['relay', '--port', '0', ...FAST], { HOTLINE_DATA_DIR: dataDir });
    const { relay: key2 } = await second.listening();
    expect(key2).to.equal(key1);
    expect(second.lines.some((line) => line.msg === 'relay key loaded')).to.equal(true);
    expect(await second.stop()).to.equal(0);
  });

  it('a second signal exits at once with 1 while shutdown waits for a client', async () => {
    const relay = start([
      'relay',
      '--port',
      '0',
      '--data-dir',
      join(root, 'second-signal'),
      ...FAST,
    ]);
    const { url } = await relay.listening();
    const { ws } = await openSocket(url); // and the challenge
    // A client that reads nothing never answers the close handshake: shutdown waits.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    relay.child.kill('SIGTERM');
    await relay.waitFor('shutting down: finishing in-flight commits');
    relay.child.kill('SIGINT');
    expect((await relay.exited).code).to.equal(1);
    expect(relay.lines.map((line) => line.msg)).to.not.include('relay stopped');
    ws.terminate();
  });

  it('exits 2 on a bad flag value, an unknown flag, an unknown config key; 1 if the port is taken', async () => {
    const dataDir = join(root, 'bad');
    const configFile = join(root, 'unknown-key.json');
    writeFileSync(configFile, JSON.stringify({ port: 7400, maxConnection: 10 }));
    const refused = await Promise.all(
      [
        ['relay', '--port', '70000', '--data-dir', dataDir],
        ['relay', '--max-connections', 'many', '--data-dir', dataDir],
        ['relay', '--no-such-flag', '--data-dir', dataDir],
        ['relay', '--config', configFile, '--data-dir', dataDir],
      ].map(async (args) => (await start(args).exited).code),
    );
    expect(refused).to.deep.equal([2, 2, 2, 2]);
    // Nothing was created for a configuration that was refused.
    expect(() => statSync(dataDir)).to.throw();

    const holder = start(['relay', '--port', '0', '--data-dir', join(root, 'holder'), ...FAST]);
    const { url } = await holder.listening();
    const port = new URL(url).port;
    const clash = start(['relay', '--port', port, '--data-dir', join(root, 'clash'), ...FAST]);
    expect((await clash.exited).code).to.equal(1);
    const fatal = clash.lines.find((line) => line.msg === 'relay failed to start');
    expect(fatal?.['code']).to.equal('EADDRINUSE');
    expect(await holder.stop()).to.equal(0);
  });
});
