// `hotline channel create|join|list`: found a channel (sign its charter, write the
// charter file to hand to the other members, publish it), join one from a charter
// file, list the channels this data directory holds.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CharterInput, fromHex, toHex } from '@hotline/codec';
import { type Command, Option } from 'commander';
import { ConfigError } from '../config-error.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { MainIo } from '../main.js';
import { openParty, type PartyFlags, within } from '../party/open.js';

type Done = (code: Promise<number>) => void;

interface CreateFlags extends PartyFlags {
  readonly name: string;
  readonly member?: string[];
  readonly relay?: string[];
  readonly heartbeat: string;
  readonly out?: string;
  readonly receipts: string;
  readonly timeout: string;
  readonly json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function keyOf(text: string, what: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `${what}: a key is 64 hex digits`, what);
  }
  return fromHex(text.toLowerCase());
}

function positive(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `${what}: a positive integer, not "${text}"`,
      what,
    );
  }
  return value;
}

/** "Name=hexkey" → member; "hexkey@ws://…" → relay. */
export function charterFromFlags(flags: CreateFlags, founder: Uint8Array): CharterInput {
  const members = [{ key: founder, name: flags.name }];
  for (const spec of flags.member ?? []) {
    const at = spec.lastIndexOf('=');
    if (at < 1)
      throw new ConfigError(
        'CONFIG_INVALID_VALUE',
        `--member "${spec}": expected Name=hexkey`,
        'member',
      );
    members.push({ key: keyOf(spec.slice(at + 1), '--member'), name: spec.slice(0, at) });
  }
  const relays = (flags.relay ?? []).map((spec) => {
    const at = spec.indexOf('@');
    if (at < 1)
      throw new ConfigError(
        'CONFIG_INVALID_VALUE',
        `--relay "${spec}": expected hexkey@ws://host:port`,
        'relay',
      );
    return { key: keyOf(spec.slice(0, at), '--relay'), url: spec.slice(at + 1) };
  });
  if (relays.length === 0)
    throw new ConfigError('CONFIG_INVALID_VALUE', 'at least one --relay', 'relay');
  return {
    members,
    relays,
    params: { heartbeatInterval: positive(flags.heartbeat, '--heartbeat') },
  };
}

async function create(flags: CreateFlags, io: MainIo): Promise<number> {
  const party = openParty(flags, io);
  try {
    const session = party.client.found(charterFromFlags(flags, party.client.publicKey));
    const channel = toHex(session.channel);
    const out = resolve(io.cwd, flags.out ?? `${channel.slice(0, 16)}.charter`);
    writeFileSync(out, session.charterEnvelope, { flag: 'wx' });
    const wanted = Math.min(positive(flags.receipts, '--receipts'), session.charter.relays.length);
    const charterId = session.charterId;
    const done = await within(
      party.client.receipted(charterId, wanted),
      positive(flags.timeout, '--timeout'),
    );
    const receipted = party.client.store.receiptRelays(charterId).length;
    if (flags.json) io.out(`${JSON.stringify({ channel, charterFile: out, receipted })}\n`);
    else {
      io.out(`channel ${channel}\ncharter written to ${out}: give it to every member\n`);
      io.out(`founded on ${receipted} of ${session.charter.relays.length} relays\n`);
    }
    if (!done) {
      io.err(
        `hotline: only ${receipted} relay(s) receipted the charter in time; it stays queued\n`,
      );
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } finally {
    party.close();
  }
}

function join(file: string, flags: PartyFlags & { json?: boolean }, io: MainIo): number {
  const party = openParty(flags, io, { offline: true });
  try {
    const session = party.client.join(readFileSync(resolve(io.cwd, file)));
    const { charter } = session;
    const self = toHex(party.client.publicKey);
    const summary = {
      channel: toHex(session.channel),
      member: charter.members.some((member) => toHex(member.key) === self),
      members: charter.members.map((member) => ({ name: member.name, key: toHex(member.key) })),
      relays: charter.relays.map((relay) => ({ url: relay.url, key: toHex(relay.key) })),
    };
    if (flags.json) io.out(`${JSON.stringify(summary)}\n`);
    else {
      io.out(
        `joined channel ${summary.channel}${summary.member ? '' : ' (as a non-member: read-only)'}\n`,
      );
      for (const member of summary.members) io.out(`  member ${member.name}  ${member.key}\n`);
      for (const relay of summary.relays) io.out(`  relay  ${relay.url}  ${relay.key}\n`);
    }
    return EXIT_OK;
  } finally {
    party.close();
  }
}

function list(flags: PartyFlags & { json?: boolean }, io: MainIo): number {
  const party = openParty(flags, io, { offline: true });
  try {
    const channels = party.client.store.channels().map(({ channel }) => {
      const session = party.client.session(channel)!;
      return {
        channel: toHex(channel),
        members: session.charter.members.map((member) => member.name),
        envelopes: party.client.store.envelopes(channel).length,
      };
    });
    if (flags.json) io.out(`${JSON.stringify({ channels })}\n`);
    else {
      for (const entry of channels) {
        io.out(`${entry.channel}  ${entry.members.join(', ')}  (${entry.envelopes} envelopes)\n`);
      }
    }
    return EXIT_OK;
  } finally {
    party.close();
  }
}

export function partyOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--data-dir <dir>',
        'key and client store directory (default ./.hotline) [env HOTLINE_DATA_DIR]',
      ),
    )
    .addOption(
      new Option(
        '--key <file>',
        'member key file (default <data-dir>/member-key.json); passphrase from HOTLINE_KEY_PASSPHRASE',
      ),
    )
    .option('--json', 'one JSON document on stdout');
}

export function registerChannelCommand(program: Command, io: MainIo, done: Done): void {
  const channel = program.command('channel').description('Found, join and list channels');
  partyOptions(
    channel
      .command('create')
      .description(
        'Found a channel: sign its charter, write the charter file, publish it to the relays',
      )
      .requiredOption('--name <name>', 'your display name in the charter')
      .option('--member <name=hexkey>', 'another member (repeatable)', collect)
      .option(
        '--relay <hexkey@url>',
        'a relay of the channel (repeatable; two or more recommended)',
        collect,
      )
      .option('--heartbeat <ms>', 'heartbeat interval of the channel', '60000')
      .option('--out <file>', 'charter file to write (default <channel-id-prefix>.charter)')
      .option('--receipts <k>', 'wait until k relays receipted the charter', '1')
      .option('--timeout <ms>', 'how long to wait for the receipts', '30000'),
  ).action((flags: CreateFlags) => done(create(flags, io)));
  partyOptions(
    channel
      .command('join')
      .description('Record a channel from its charter file (verified) in this data directory')
      .argument('<charter-file>', 'the charter envelope file the founder wrote'),
  ).action((file: string, flags: PartyFlags & { json?: boolean }) =>
    done(Promise.resolve(join(file, flags, io))),
  );
  partyOptions(
    channel.command('list').description('List the channels of this data directory'),
  ).action((flags: PartyFlags & { json?: boolean }) => done(Promise.resolve(list(flags, io))));
}
