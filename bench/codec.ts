// bench/codec: encode and strict decode of envelopes next to raw cbor-x decode of the
// same bytes, measured in the same run. Run: npm run bench:codec
import {
  assembleEnvelope,
  decodeEnvelope,
  ENVELOPE_PROFILE,
  encodePayload,
  parsePayload,
  readSign1,
} from '@hotline/codec';
import { Decoder } from 'cbor-x';
import { formatRate, measure, printTable } from './lib/harness.js';

const raw = new Decoder({ useRecords: false, mapsAsObjects: false });
const signature = new Uint8Array(64).fill(7);

function fieldsWithBody(bodyBytes: number) {
  return {
    channel: new Uint8Array(32).fill(1),
    sender: new Uint8Array(32).fill(2),
    seq: 42,
    prev: new Uint8Array(32).fill(3),
    time: 1_764_000_000_000,
    kind: 3,
    body: new Uint8Array(bodyBytes).fill(0x61),
  };
}

const rows: string[][] = [];
for (const [label, bodyBytes] of [
  ['256 B', 256 - 190],
  ['64 KiB', 65536],
] as const) {
  const fields = fieldsWithBody(bodyBytes);
  const payload = encodePayload(fields);
  const envelope = assembleEnvelope(payload, signature);
  const baseline = measure('cbor-x decode (envelope only)', () => raw.decode(envelope));
  // What a lax decoder does to reach the fields: the envelope, then its payload map.
  const laxFields = measure('cbor-x decode (envelope + payload map)', () =>
    raw.decode((raw.decode(envelope) as { value: Uint8Array[] }).value[2]!),
  );
  // The same output as cbor-x's envelope decode (the four COSE items), strictly.
  const strictItems = measure('strict envelope items (readSign1)', () =>
    readSign1(envelope, ENVELOPE_PROFILE),
  );
  const encode = measure('encode', () => assembleEnvelope(encodePayload(fields), signature));
  const strict = measure('strict payload decode (parsePayload)', () => parsePayload(payload));
  const full = measure('decodeEnvelope (profile + id)', () => decodeEnvelope(envelope));
  for (const m of [baseline, strictItems, laxFields, strict, full, encode]) {
    rows.push([
      `${label} (${envelope.length} B envelope)`,
      m.name,
      formatRate(m.opsPerSec),
      `${((m.opsPerSec / baseline.opsPerSec) * 100).toFixed(0)}%`,
      `${((m.opsPerSec / laxFields.opsPerSec) * 100).toFixed(0)}%`,
    ]);
  }
}
printTable(
  [
    'size',
    'operation',
    'ops/s (median of 5)',
    'vs cbor-x envelope',
    'vs cbor-x envelope + payload',
  ],
  rows,
);
