// Building blocks of the kind-body vectors: a body is a map of numbered fields, each
// a Part (the raw CBOR and the JSON value the decoder must give), so that one table
// yields both the bytes of a test and its expected value, and an edit of one field
// (removed, replaced, retyped) yields an invalid test.
import { type Entry, intMap, type Raw, tstr, uint } from './raw.js';

/** A JSON value and the raw CBOR that encodes it. */
export interface Part {
  readonly raw: Raw;
  readonly json: unknown;
}

/** A text-block: a text in a language. */
export const tb = (language: string, text: string): Part => ({
  raw: intMap([
    [1, tstr(language)],
    [2, tstr(text)],
  ]),
  json: { language, text },
});
export const num = (n: number): Part => ({ raw: uint(n), json: n });
/** Raw bytes only, for a defect that has no JSON value. */
export const raw = (bytes: Raw): Part => ({ raw: bytes, json: undefined });

/** A body: key → [name in the decoded value, part]; the JSON value may rename (e.g. enums). */
export type Fields = ReadonlyMap<number, readonly [name: string, part: Part]>;

/** `fields` with `key` replaced by `part`, or removed when no part is given. */
export function edited(fields: Fields, key: number, name?: string, part?: Part): Fields {
  const out = new Map(fields);
  if (part === undefined || name === undefined) out.delete(key);
  else out.set(key, [name, part]);
  return out;
}

export const rawOf = (fields: Fields): Raw =>
  intMap(
    [...fields.keys()].sort((a, b) => a - b).map((key): Entry => [key, fields.get(key)![1].raw]),
  );

export const jsonOf = (fields: Fields): Record<string, unknown> =>
  Object.fromEntries([...fields.values()].map(([name, part]) => [name, part.json]));

/** JSON with keys sorted, for comparing values whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
