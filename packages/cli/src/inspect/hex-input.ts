// The bytes `hotline inspect` reads: hexadecimal text, whitespace (spaces, line
// breaks) anywhere, as pasted from a log or a vector file.

import { fromHex } from '@hotline/codec';
import { ConfigError } from '../config-error.js';

/** Hex text to bytes; throws ConfigError (a usage error, exit 2) if it is not hex. */
export function parseHexInput(text: string): Uint8Array {
  const hex = text.replace(/\s+/g, '');
  if (hex.length === 0) throw new ConfigError('CONFIG_INVALID_VALUE', 'no hex input', 'hex');
  const bad = /[^0-9a-fA-F]/.exec(hex);
  if (bad !== null) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `not hexadecimal: "${bad[0]}" at hex digit ${bad.index + 1}`,
      'hex',
    );
  }
  if (hex.length % 2 !== 0) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `odd number of hex digits (${hex.length}): two digits per byte`,
      'hex',
    );
  }
  return fromHex(hex);
}
