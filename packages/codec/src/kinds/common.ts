// What every kind's body is made of (spec/11-kinds.md §2): one CBOR map with uint
// keys under the envelope's CBOR profile, decoded strictly, and a few shared
// shapes — a text in a language, a validity window, a point and an area in WGS 84
// as integer microdegrees (the profile has no floats, and integers leave no room
// for rounding disputes). Every defect is a HotlineError:
//   BODY_MALFORMED — wrong shape: not a map, unknown or missing key, wrong type;
//   BODY_LIMIT     — a length or count beyond its limit;
//   BODY_INVALID   — well-formed but meaningless (a window that ends before it
//                    starts, a polygon of fewer than three distinct points …).
// `field` in the error is the path of the field, e.g. `areas[2].points[0].lat`.

import { HotlineError } from '../errors.js';
import { utf8Length } from '../lib/bytes.js';
import { type CborValue, decodeScanned, encodeCbor } from '../lib/cbor.js';
import { type IntMapField, readIntMap } from '../lib/intmap.js';
import { MAJOR_MAP, scanProfile } from '../lib/scan.js';

export const BODY_LIMITS = Object.freeze({
  /** A language tag (BCP 47), in bytes. */
  MAX_LANGUAGE_BYTES: 35,
  /** One text, in UTF-8 bytes: the body limit leaves room for little else. */
  MAX_TEXT_BYTES: 16_384,
  /** A short label (a scope, an activity type, a party), in UTF-8 bytes. */
  MAX_LABEL_BYTES: 256,
  /** Translations next to one authoritative text. */
  MAX_TRANSLATIONS: 8,
  /** Areas of one notification or incident. */
  MAX_AREAS: 16,
  /** Vertices of one polygon. */
  MAX_POLYGON_POINTS: 64,
  /** The largest circle radius, in metres: half the Earth's circumference. */
  MAX_RADIUS_METRES: 20_037_509,
  /** Items of any other list (conditions, parties). */
  MAX_LIST_ITEMS: 32,
  /**
   * Nesting levels of a body (01-envelope.md §5 rule 9, here for the body's own
   * bytes): a notification's polygon points sit at level 4 (body map, area list,
   * polygon, point list, point), one deeper than the envelope's MAX_NESTING allows.
   */
  MAX_NESTING: 5,
});

/** Microdegrees: 1e-6 degree, about 11 cm at the equator. */
export const MICRODEGREES = 1_000_000;

export type BodyPath = string;

export function malformed(field: BodyPath, message: string): never {
  throw new HotlineError('BODY_MALFORMED', `${field}: ${message}`, { field });
}
export function overLimit(field: BodyPath, message: string): never {
  throw new HotlineError('BODY_LIMIT', `${field}: ${message}`, { field });
}
export function invalid(field: BodyPath, message: string): never {
  throw new HotlineError('BODY_INVALID', `${field}: ${message}`, { field });
}

export type Reader<T> = (value: unknown, path: BodyPath) => T;

/** A map of `fields` (unknown and missing keys are BODY_MALFORMED), frozen. */
export function record<T>(fields: Record<string, IntMapField>): Reader<T> {
  return (value, path) => {
    if (!(value instanceof Map)) malformed(path, 'must be a map');
    return Object.freeze(
      readIntMap<T>(
        value as ReadonlyMap<number, unknown>,
        fields,
        {
          unknown: (key) => malformed(path, `unknown key ${key}`),
          missing: (name) => malformed(name, 'missing'),
        },
        path === '' ? '' : `${path}.`,
      ),
    );
  };
}

/** A field of a record table. */
export function field<T>(key: number, read: Reader<T>, optional = false): IntMapField {
  return optional ? { key, read, optional: true } : { key, read };
}

export const uint: Reader<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    malformed(path, 'must be an unsigned integer');
  }
  return value;
};

export const int: Reader<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isInteger(value)) malformed(path, 'must be an integer');
  return value;
};

/** A uint that names one of `values` (an enumeration of the spec). */
export function oneOf<T extends number>(values: readonly T[]): Reader<T> {
  return (value, path) => {
    const n = uint(value, path);
    if (!values.includes(n as T)) invalid(path, `must be one of ${values.join(', ')}`);
    return n as T;
  };
}

/** A byte string of exactly `size` bytes. */
export function bytesOf(size: number): Reader<Uint8Array> {
  return (value, path) => {
    if (!(value instanceof Uint8Array)) malformed(path, 'must be a byte string');
    if (value.length !== size) malformed(path, `must be ${size} bytes, got ${value.length}`);
    return value;
  };
}

/** A text of 1 to `max` UTF-8 bytes (the scan has checked it is valid UTF-8). */
export function text(max: number): Reader<string> {
  return (value, path) => {
    if (typeof value !== 'string') malformed(path, 'must be a text string');
    const length = utf8Length(value);
    if (length < 1) invalid(path, 'must not be empty');
    if (length > max) overLimit(path, `at most ${max} UTF-8 bytes`);
    return value;
  };
}

/** 0 to `max` items (`min` and more), each read in order. */
export function list<T>(item: Reader<T>, max: number, min = 0): Reader<readonly T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) malformed(path, 'must be an array');
    if (value.length > max) overLimit(path, `at most ${max} items`);
    if (value.length < min) invalid(path, `at least ${min} items`);
    return Object.freeze(value.map((entry, i) => item(entry, `${path}[${i}]`)));
  };
}

// ------------------------------------------------------------- shared shapes

/** A language tag: BCP 47 shape (letters, digits, hyphens; 2–8 letters first). */
const LANGUAGE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

export const language: Reader<string> = (value, path) => {
  const tag = text(BODY_LIMITS.MAX_LANGUAGE_BYTES)(value, path);
  if (!LANGUAGE.test(tag)) invalid(path, 'must be a BCP 47 language tag');
  return tag;
};

/** A text in one language. */
export interface TextBlock {
  /** BCP 47 tag, e.g. `en`, `ru`, `zh-Hans`. */
  readonly language: string;
  readonly text: string;
}

export const textBlock: Reader<TextBlock> = record<TextBlock>({
  language: field(1, language),
  text: field(2, text(BODY_LIMITS.MAX_TEXT_BYTES)),
});

export function encodeTextBlock(block: TextBlock): Map<number, CborValue> {
  return new Map<number, CborValue>([
    [1, block.language],
    [2, block.text],
  ]);
}

/** A validity window, ms since the Unix epoch; open-ended without `until`. */
export interface Window {
  readonly from: number;
  readonly until?: number;
}

export const window: Reader<Window> = (value, path) => {
  const parsed = record<Window>({ from: field(1, uint), until: field(2, uint, true) })(value, path);
  if (parsed.until !== undefined && parsed.until <= parsed.from) {
    invalid(`${path}.until`, 'must be after from');
  }
  return parsed;
};

export function encodeWindow(w: Window): Map<number, CborValue> {
  const map = new Map<number, CborValue>([[1, w.from]]);
  if (w.until !== undefined) map.set(2, w.until);
  return map;
}

/** A WGS 84 position in integer microdegrees. */
export interface Point {
  readonly lat: number;
  readonly lon: number;
}

export const point: Reader<Point> = (value, path) => {
  if (!Array.isArray(value) || value.length !== 2) malformed(path, 'must be [lat, lon]');
  const lat = int(value[0], `${path}.lat`);
  const lon = int(value[1], `${path}.lon`);
  if (lat < -90 * MICRODEGREES || lat > 90 * MICRODEGREES) {
    invalid(`${path}.lat`, 'must be within ±90 degrees');
  }
  // [-180, 180): one encoding per meridian, so 180 E is written -180.
  if (lon < -180 * MICRODEGREES || lon >= 180 * MICRODEGREES) {
    invalid(`${path}.lon`, 'must be within [-180, 180) degrees');
  }
  return Object.freeze({ lat, lon });
};

export const encodePoint = (p: Point): CborValue[] => [p.lat, p.lon];

/** An area: a circle (centre and radius) or a polygon (closed implicitly). */
export type Area =
  | { readonly shape: 'circle'; readonly centre: Point; readonly radius: number }
  | { readonly shape: 'polygon'; readonly points: readonly Point[] };

const SHAPE = { circle: 1, polygon: 2 } as const;

export const area: Reader<Area> = (value, path) => {
  if (!(value instanceof Map)) malformed(path, 'must be a map');
  const shape = oneOf([SHAPE.circle, SHAPE.polygon])(
    (value as Map<number, unknown>).get(1),
    `${path}.shape`,
  );
  if (shape === SHAPE.circle) {
    const circle = record<{ shape: number; centre: Point; radius: number }>({
      shape: field(1, uint),
      centre: field(2, point),
      radius: field(3, uint),
    })(value, path);
    if (circle.radius < 1) invalid(`${path}.radius`, 'must be at least 1 metre');
    if (circle.radius > BODY_LIMITS.MAX_RADIUS_METRES) {
      overLimit(`${path}.radius`, `at most ${BODY_LIMITS.MAX_RADIUS_METRES} metres`);
    }
    return Object.freeze({ shape: 'circle', centre: circle.centre, radius: circle.radius });
  }
  const polygon = record<{ shape: number; points: readonly Point[] }>({
    shape: field(1, uint),
    points: field(2, list(point, BODY_LIMITS.MAX_POLYGON_POINTS, 3)),
  })(value, path);
  const { points } = polygon;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    // Closed implicitly: repeating the first point at the end, or any point twice
    // in a row, would give one area two encodings.
    if (a.lat === b.lat && a.lon === b.lon) {
      invalid(`${path}.points[${(i + 1) % points.length}]`, 'repeats the point before it');
    }
  }
  return Object.freeze({ shape: 'polygon', points });
};

export function encodeArea(a: Area): Map<number, CborValue> {
  return a.shape === 'circle'
    ? new Map<number, CborValue>([
        [1, SHAPE.circle],
        [2, encodePoint(a.centre)],
        [3, a.radius],
      ])
    : new Map<number, CborValue>([
        [1, SHAPE.polygon],
        [2, a.points.map(encodePoint)],
      ]);
}

// ----------------------------------------------------------- whole bodies

/**
 * Decodes a body: the CBOR profile scan (CBOR_* codes), then one map read by
 * `read` at the root (path ''). Returns what `read` returns.
 */
export function decodeBody<T>(body: Uint8Array, read: Reader<T>): T {
  if (!(body instanceof Uint8Array)) throw new TypeError('body must be a Uint8Array');
  scanProfile(body, 0, body.length, BODY_LIMITS.MAX_NESTING);
  if (body[0]! >> 5 !== MAJOR_MAP) malformed('body', 'must be a map');
  return read(decodeScanned(body), '');
}

/** Encodes a body map; the caller builds it with ascending keys through these helpers. */
export function encodeBody(map: Map<number, CborValue>): Uint8Array {
  return encodeCbor(map);
}
