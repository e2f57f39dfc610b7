// A relay in a child process (`hotline relay`), so that the demo can kill it with
// SIGKILL — no goodbye, no flush — and start it again on the same data directory.

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The relay's public key, hex, from its log. */
  readonly key: string;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** This package's bin, next to the running module (dist/*.js, or src/*.ts under tsx). */
function binPath(): string {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), '..', here.endsWith('.ts') ? 'bin.ts' : 'bin.js');
}

/** Starts `hotline relay` and resolves once its log says it listens. */
export function startRelayProcess(dataDir: string, port: number): Promise<RelayProcess> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      binPath(),
      'relay',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--founders',
      'open',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null) =>
      reject(new Error(`relay exited (${code}) before listening`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      let entry: { msg?: string; url?: string; relay?: string };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === 'relay listening' && entry.url && entry.relay) {
        child.off('exit', onExit);
        resolve({ child, url: entry.url, key: entry.relay });
      }
    });
  });
}

/** SIGKILL, resolved once the process is gone. */
export function killRelay(relay: RelayProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (relay.child.exitCode !== null || relay.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    relay.child.once('exit', () => resolve());
    relay.child.kill(signal);
  });
}
