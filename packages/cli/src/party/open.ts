// A party's side on this machine: its key file and its client store, both under
// the data directory (.hotline/ by default), and a client over them.

import { join, resolve } from 'node:path';
import { HotlineClient } from '@hotline/client';
import { openSqliteClientStore, wsSocketFactory } from '@hotline/client/node';
import { type DecodedEnvelope, decodeEnvelope, fromHex, toHex } from '@hotline/codec';
import { readKeyFile } from '@hotline/signer';
import { ConfigError } from '../config-error.js';
import { prepareDataDir } from '../data-dir.js';
import type { MainIo } from '../main.js';
import { CLIENT_STORE_FILE, dataDirOf, MEMBER_KEY_FILE, PASSPHRASE_ENV } from './paths.js';

export interface PartyFlags {
  readonly key?: string;
  readonly dataDir?: string;
}

export interface Party {
  readonly client: HotlineClient;
  readonly dataDir: string;
  close(): void;
}

/** Opens the member key and the client store; the client starts connecting at once. */
export interface PartyOptions {
  /** Open no connection (join, list, export). */
  readonly offline?: boolean;
  /** Send heartbeats and watch the others' (a long-running listen). */
  readonly heartbeats?: boolean;
}

export function openParty(flags: PartyFlags, io: MainIo, options: PartyOptions = {}): Party {
  const dataDir = dataDirOf(flags, io);
  const keyFile = resolve(io.cwd, flags.key ?? join(dataDir, MEMBER_KEY_FILE));
  const passphrase = io.env[PASSPHRASE_ENV];
  const secretKey = readKeyFile(keyFile, passphrase === '' ? undefined : passphrase);
  prepareDataDir(dataDir);
  const store = openSqliteClientStore(join(dataDir, CLIENT_STORE_FILE));
  const client = new HotlineClient({
    secretKey,
    store,
    socketFactory: wsSocketFactory,
    offline: options.offline === true,
    // A desk acknowledges receipt at once, as its terminal would (spec/12-semantics.md §3).
    tuning: { autoAckReceived: true, heartbeats: options.heartbeats === true },
  });
  return {
    client,
    dataDir,
    close() {
      client.close();
      store.close();
    },
  };
}

/** A channel of the store named by its id or an unambiguous hex prefix (8+ digits). */
export function channelArg(client: HotlineClient, text: string): Uint8Array {
  const prefix = text.toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(prefix)) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `channel: 8 to 64 hex digits, not "${text}"`,
      'channel',
    );
  }
  const matches = client.store
    .channels()
    .map((entry) => toHex(entry.channel))
    .filter((hex) => hex.startsWith(prefix));
  if (matches.length !== 1) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      matches.length === 0
        ? `no channel ${text} here (hotline channel join <charter-file> first)`
        : `channel prefix ${text} is ambiguous`,
      'channel',
    );
  }
  return fromHex(matches[0]!);
}

/** Resolves true when `promise` settles first, false after `ms`. */
export function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => resolvePromise(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolvePromise(true);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** An envelope of the channel held here, by its id or an unambiguous hex prefix (8+ digits). */
export function envelopeArg(party: Party, channel: Uint8Array, text: string): DecodedEnvelope {
  const prefix = text.toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(prefix)) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `envelope: 8 to 64 hex digits, not "${text}"`,
      'envelope',
    );
  }
  const matches = party.client.store
    .envelopes(channel)
    .map((bytes) => decodeEnvelope(bytes))
    .filter((envelope) => toHex(envelope.id).startsWith(prefix));
  if (matches.length !== 1) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      matches.length === 0
        ? `no envelope ${text} on this channel here`
        : `envelope prefix ${text} is ambiguous`,
      'envelope',
    );
  }
  return matches[0]!;
}
