// The command line of hotline-conformance: parsed into runConformance's options,
// or a UsageError (exit 2).

import { fromHex } from '@hotline/codec';

export const USAGE = `usage: hotline-conformance <ws-url> [--founder-key <hex seed>] [--timeout-ms <ms>] [--json]

  <ws-url>          the relay's WebSocket URL (ws:// or wss://)
  --founder-key     32-byte secret key (64 hex digits) that founds the test channels;
                    default: a random key, so the relay must be in open founding mode
                    (or allowlist the key given here)
  --timeout-ms      how long each scenario may take (default 5000)
  --json            print each scenario's line as a JSON object {name, ok, detail}`;

export interface Arguments {
  url: string;
  founderSecret?: Uint8Array;
  timeoutMs?: number;
  json: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses argv (without node and the script); 'help' for -h/--help. */
export function parseArguments(argv: readonly string[]): Arguments | 'help' {
  let url: string | undefined;
  let founderSecret: Uint8Array | undefined;
  let timeoutMs: number | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--json') json = true;
    else if (flag === '--founder-key') {
      const hex = value();
      if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
        throw new UsageError('--founder-key must be 64 hex digits (a 32-byte seed)');
      }
      founderSecret = fromHex(hex);
    } else if (flag === '--timeout-ms') {
      const text = value();
      timeoutMs = Number(text);
      if (!/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(timeoutMs)) {
        throw new UsageError('--timeout-ms must be a positive integer');
      }
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (url === undefined) url = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (url === undefined) throw new UsageError('the relay URL is missing');
  if (!/^wss?:\/\/./.test(url))
    throw new UsageError('the relay URL must begin with ws:// or wss://');
  return {
    url,
    json,
    ...(founderSecret ? { founderSecret } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}
