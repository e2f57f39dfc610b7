// Building blocks of the kind-body vectors: a body is a map of numbered fields, each
// a Part (the raw CBOR and the JSON value the decoder must give), so that one table
// yields both the bytes of a test and its expected value, and an edit of one field
// (removed, replaced, retyped) yields an invalid test.
import {
  decodeKindBody,
  type ErrorCode,
  encodeKindBody,
  fromHex,
  HotlineError,
  KIND,
  type KindBodyInput,
  toHex,
} from '@hotline/codec';
import type { TestCase } from './format.js';
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

/** A kind's body codec, as @hotline/codec exports it. */
export interface BodyCodec {
  decode(body: Uint8Array): unknown;
  encode(value: never): Uint8Array;
}

/** A standard kind's codec through @hotline/codec's dispatch (decodeKindBody, encodeKindBody). */
export function bodyCodecOf(kind: number): BodyCodec {
  const name = Object.entries(KIND).find(([, number]) => number === kind)?.[0];
  if (name === undefined) throw new RangeError(`kind ${kind} is not in the registry`);
  return {
    decode: (body) => decodeKindBody(kind, body).value,
    encode: (value) => encodeKindBody({ kind: name, value } as KindBodyInput),
  };
}

/** What every kind-body test holds: the bytes to decode, then a value or a code. */
export interface BodyTest extends TestCase {
  /** The body bytes to decode (hex). */
  body?: string;
  /** Valid only: the decoded body. */
  value?: unknown;
  /** Invalid with a BODY_* code only: the path of the failing field (detail.field). */
  field?: string;
}

/**
 * Builders of one kind's tests from body tables: a valid body's bytes and value come
 * from its fields, and the codec must encode that value (read back from JSON) to the
 * same bytes; an invalid one is bytes (or fields) with the code and field expected.
 */
export function bodyCases<T extends BodyTest>(codec: BodyCodec, suite: string) {
  return {
    valid(comment: string, flags: string[], fields: Fields): T {
      const body = rawOf(fields);
      const value = jsonOf(fields);
      const encoded = codec.encode(JSON.parse(JSON.stringify(value)) as never);
      if (toHex(encoded) !== toHex(body)) {
        throw new Error(`${suite}: ${comment}: the codec encodes another body`);
      }
      return {
        tcId: 0,
        comment,
        flags: ['Valid', ...flags],
        result: 'valid',
        body: toHex(body),
        value,
      } as T;
    },
    invalid(
      comment: string,
      flags: string[],
      body: Raw | Fields,
      error: ErrorCode,
      field?: string,
    ): T {
      const bytes = body instanceof Uint8Array ? body : rawOf(body);
      return {
        tcId: 0,
        comment,
        flags,
        result: 'invalid',
        body: toHex(bytes),
        error,
        ...(field === undefined ? {} : { field }),
      } as T;
    },
  };
}

/**
 * Checks a kind-body test against the codec: the decoder's verdict (code and field
 * of an invalid one), the decoded value as `view` shows it, and that encoding the
 * value gives the bytes back. Undefined when the test holds, else what differs.
 */
export function checkBodyTest(
  codec: BodyCodec | undefined,
  kind: number | undefined,
  test: BodyTest,
  view: (value: unknown) => unknown = (value) => value,
): string | undefined {
  if (codec === undefined) return `no decoder for kind ${kind}`;
  let value: unknown;
  try {
    value = codec.decode(fromHex(test.body ?? ''));
  } catch (error) {
    if (!(error instanceof HotlineError)) {
      return `expected ${test.result === 'valid' ? 'valid' : test.error}, got ${String(error)}`;
    }
    if (test.result === 'valid') return `expected valid, got ${error.code}`;
    if (error.code !== test.error) return `expected ${test.error}, got ${error.code}`;
    if (error.field !== test.field) return `expected field ${test.field}, got ${error.field}`;
    return undefined;
  }
  if (test.result !== 'valid') return `expected ${test.error}, but it was accepted`;
  if (canonical(view(value)) !== canonical(test.value)) return 'decoded value differs';
  return toHex(codec.encode(value as never)) === test.body
    ? undefined
    : 'the encoder gives other bytes';
}
