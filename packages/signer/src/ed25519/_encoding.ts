// Byte-level checks of the Ed25519 validity rule, cheap enough to run before any
// curve arithmetic: point encodings (rule 2) and the scalar range (rule 3).

/** Order of the prime-order subgroup, L = 2^252 + 27742317777372353535851937790883648493. */
export const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

/** L in 32 little-endian bytes. */
const L_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/** True iff the 32 little-endian bytes at `offset` are an integer below L (rule 3). */
export function isReducedScalar(bytes: Uint8Array, offset: number): boolean {
  for (let i = 31; i >= 0; i--) {
    const b = bytes[offset + i]!;
    const l = L_LE[i]!;
    if (b !== l) return b < l;
  }
  return false; // equal to L
}

/**
 * True iff the 32 bytes at `offset` are a canonical point encoding as far as bytes
 * can tell (rule 2): y < p = 2^255 - 19, and not x = 0 with the sign bit set. x is 0
 * exactly when y = 1 or y = p - 1, so both conditions are byte comparisons. Whether y
 * is on the curve at all needs a square root and is left to the decoder.
 */
export function isCanonicalPointEncoding(bytes: Uint8Array, offset: number): boolean {
  const top = bytes[offset + 31]!;
  const sign = top & 0x80;
  // y >= p: the top 255 bits are 2^255 - 19 .. 2^255 - 1, i.e. 0x7f ff … ff followed by a
  // lowest byte >= 0xed.
  let allOnes = (top & 0x7f) === 0x7f;
  for (let i = 1; allOnes && i < 31; i++) if (bytes[offset + i] !== 0xff) allOnes = false;
  const low = bytes[offset]!;
  if (allOnes && low >= 0xed) return false;
  if (sign === 0) return true;
  // Sign bit set: reject y = p - 1 (ec ff … ff 7f) and y = 1 (01 00 … 00).
  if (allOnes && low === 0xec) return false;
  if (low !== 1 || (top & 0x7f) !== 0) return true;
  for (let i = 1; i < 31; i++) if (bytes[offset + i] !== 0) return true;
  return false;
}
