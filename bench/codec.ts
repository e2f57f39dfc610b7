// bench/codec: encode and strict decode of envelopes next to raw cbor-x decode of the
// same bytes, measured in the same run. Run: npm run bench:codec
import { assembleEnvelope, decodeEnvelope, encodePayload, parsePayload } from '@hotline/codec';
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
  const baseline = measure('cbor-x decode', () => raw.decode(envelope));
  const encode = measure('encode', () => assembleEnvelope(encodePayload(fields), signature));
  const strict = measure('strict decode (profile, no id)', () => parsePayload(payload));
  const full = measure('decodeEnvelope (profile + id)', () => decodeEnvelope(envelope));
  for (const m of [baseline, encode, strict, full]) {
    rows.push([
      `${label} (${envelope.length} B envelope)`,
      m.name,
      formatRate(m.opsPerSec),
      `${((m.opsPerSec / baseline.opsPerSec) * 100).toFixed(0)}%`,
    ]);
  }
}
printTable(['size', 'operation', 'ops/s (median of 5)', 'vs cbor-x decode'], rows);
