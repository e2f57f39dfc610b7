// Child processes of bench/client.ts (a relay or the bare forwarder): forked with an
// IPC channel, ready once they send their URL; stopped by message, killed if they
// do not exit in time. Every child and temp dir is also removed if the bench itself
// exits early.

import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildStats, FromChild, ToChild } from './protocol.js';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export interface Child {
  readonly url: string;
  /** The child's CPU and (relay) commit figures so far. */
  stats(): Promise<ChildStats>;
  stop(): Promise<void>;
}

async function start(file: string, args: string[], dir?: string): Promise<Child> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    live.delete(child);
    if (dir !== undefined) {
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    }
  });
  const next = (type: FromChild['type'], timeoutMs: number) =>
    new Promise<FromChild>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${file}: no '${type}' in time`)), timeoutMs);
      const onMessage = (message: FromChild) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${file} exited with code ${child.exitCode}`));
      });
    });
  const ready = await next('ready', START_TIMEOUT_MS);
  if (ready.type !== 'ready') throw new Error('unreachable');
  const tell = (message: ToChild) => child.send(message);
  return {
    url: ready.url,
    async stats() {
      const answer = next('stats', STOP_TIMEOUT_MS);
      tell({ type: 'stats' });
      const message = await answer;
      if (message.type !== 'stats') throw new Error('unreachable');
      return message.stats;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      tell({ type: 'exit' });
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A relay on SQLite in a fresh temp dir (removed when it exits). */
export function startRelayChild(secretHex: string, limits: object): Promise<Child> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-client-'));
  dirs.add(dir);
  return start('./relay-child.ts', [dir, secretHex, JSON.stringify(limits)], dir);
}

export function startForwarderChild(): Promise<Child> {
  return start('./forwarder-child.ts', []);
}
