// Reading a decoded map with small unsigned integer keys against a table of named
// fields: each entry in the map's (ascending, scanned) order is either unknown or
// read by its field's reader; then every required field must be present. The codes
// are the caller's: checkpoint payloads and receipts report FIELD_*, charter bodies
// CHARTER_MALFORMED.

/** Checks one value and returns what to store; throws the caller's HotlineError. */
export type FieldReader = (value: unknown, name: string) => unknown;

export interface IntMapField {
  readonly key: number;
  readonly read: FieldReader;
  /** Absent optional fields are left out of the result. */
  readonly optional?: boolean;
}

export interface IntMapFailures {
  /** A key that is not in the table. */
  unknown(key: number): never;
  /** A required field, by its path, that the map lacks. */
  missing(name: string): never;
}

/**
 * Reads `map` (decoded from bytes that scanProfile accepted, so its keys are unique
 * unsigned integers in ascending order) into an object keyed by field name. Readers
 * get the field's path: `prefix` followed by its name. Missing required fields are
 * reported in ascending key order, after every present entry has been read.
 */
export function readIntMap<T>(
  map: ReadonlyMap<number, unknown>,
  fields: Readonly<Record<string, IntMapField>>,
  failures: IntMapFailures,
  prefix = '',
): T {
  const names = new Map<number, string>();
  for (const [name, field] of Object.entries(fields)) names.set(field.key, name);
  const out: Record<string, unknown> = {};
  for (const [key, value] of map) {
    const name = names.get(key);
    if (name === undefined) failures.unknown(key);
    out[name] = fields[name]!.read(value, `${prefix}${name}`);
  }
  const ascending = Object.entries(fields).sort((a, b) => a[1].key - b[1].key);
  for (const [name, field] of ascending) {
    if (field.optional !== true && !map.has(field.key)) failures.missing(`${prefix}${name}`);
  }
  return out as T;
}
