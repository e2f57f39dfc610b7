// Bodies from the command line: `--text` (a text in one language), `--body-json`
// (a JSON document of the kind's body, as the codec's types describe it; byte
// strings written "hex:…"), or `--body-file` (raw bytes, for kinds outside the
// standard range). Every standard body is decoded strictly before it is sent, so
// the CLI never signs a body the channel would refuse as malformed.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type Charter,
  decodeKindBody,
  encodeKindBody,
  isHotlineError,
  KIND,
  type KindBodyInput,
} from '@hotline/codec';
import { ConfigError } from '../config-error.js';

const KIND_NAMES = new Map<number, string>(
  Object.entries(KIND).map(([name, value]) => [value, name]),
);

/** JSON with "hex:…" strings turned into bytes. */
export function fromJsonValue(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('hex:')) {
    const hex = value.slice(4);
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) {
      throw new ConfigError('CONFIG_INVALID_VALUE', `not hex: ${value}`, 'body');
    }
    return Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
  }
  if (Array.isArray(value)) return value.map(fromJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, fromJsonValue(v)]));
  }
  return value;
}

/** The charter's first language, else English: the default of `--lang`. */
export function defaultLanguage(charter: Charter): string {
  return charter.params.languages?.[0] ?? 'en';
}

export interface BodyFlags {
  readonly text?: string;
  readonly lang?: string;
  readonly bodyJson?: string;
  readonly bodyFile?: string;
}

/** The body bytes for `kind`, checked as the receiver will check them. */
export function bodyFromFlags(
  kind: number,
  flags: BodyFlags,
  charter: Charter,
  cwd: string,
): Uint8Array {
  const given = [flags.text, flags.bodyJson, flags.bodyFile].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      'give exactly one of --text, --body-json, --body-file',
      'body',
    );
  }
  const name = KIND_NAMES.get(kind);
  let body: Uint8Array;
  if (flags.text !== undefined) {
    if (kind !== KIND.text) {
      throw new ConfigError(
        'CONFIG_INVALID_VALUE',
        '--text makes a body of kind text only; use --body-json',
        'body',
      );
    }
    const language = flags.lang ?? defaultLanguage(charter);
    body = encodeKindBody({
      kind: 'text',
      value: { authoritative: { language, text: flags.text } },
    });
  } else if (flags.bodyJson !== undefined) {
    if (name === undefined || name === 'charter') {
      throw new ConfigError(
        'CONFIG_INVALID_VALUE',
        `--body-json needs a standard kind, not ${kind}`,
        'kind',
      );
    }
    const json = JSON.parse(readFileSync(resolve(cwd, flags.bodyJson), 'utf8')) as unknown;
    try {
      body = encodeKindBody({ kind: name, value: fromJsonValue(json) } as KindBodyInput);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const why = isHotlineError(error)
        ? `${error.code}${error.field ? ` at ${error.field}` : ''}`
        : String(error);
      throw new ConfigError(
        'CONFIG_INVALID_VALUE',
        `--body-json: not a valid ${name} body: ${why}`,
        'body',
      );
    }
  } else {
    body = new Uint8Array(readFileSync(resolve(cwd, flags.bodyFile!)));
  }
  try {
    decodeKindBody(kind, body);
  } catch (error) {
    if (!isHotlineError(error)) throw error;
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `the body is not a valid ${name ?? `kind ${kind}`} body: ${error.code}${error.field ? ` at ${error.field}` : ''}`,
      'body',
    );
  }
  return body;
}
