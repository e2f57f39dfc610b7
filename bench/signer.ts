// bench/signer: Ed25519 verification on both backends next to raw node:crypto and
// raw noble measured in the same run; openEnvelope; signing; Merkle append and
// inclusion-proof cost at growing log sizes. Run: npm run bench:signer
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { toHex } from '@hotline/codec';
import { MerkleLog, openEnvelope, publicKeyOf, sign, signEnvelope, verify } from '@hotline/signer';
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { formatRate, measure, printTable } from './lib/harness.js';

ed.hashes.sha512 = sha512;

const secret = sha256(new TextEncoder().encode('bench key'));
const publicKey = publicKeyOf(secret);
const envelope = signEnvelope(
  {
    channel: new Uint8Array(32).fill(1),
    sender: publicKey,
    seq: 1,
    time: 1_764_000_000_000,
    kind: 3,
    body: new Uint8Array(66).fill(0x61),
  },
  secret,
);
const { signedBytes, signature } = openEnvelope(envelope);
// SubjectPublicKeyInfo DER prefix for a raw Ed25519 key (RFC 8410).
const keyObject = createPublicKey({
  key: Buffer.from(`302a300506032b6570032100${toHex(publicKey)}`, 'hex'),
  format: 'der',
  type: 'spki',
});

const raw = measure('raw crypto.verify (cached KeyObject)', () =>
  cryptoVerify(null, signedBytes, keyObject, signature),
);
const rows = [
  raw,
  measure('raw noble verify', () => ed.verify(signature, signedBytes, publicKey), 3),
  measure('verify, native backend', () =>
    verify(signature, signedBytes, publicKey, { backend: 'native' }),
  ),
  measure(
    'verify, portable backend',
    () => verify(signature, signedBytes, publicKey, { backend: 'portable' }),
    3,
  ),
  measure(`openEnvelope (${envelope.length} B: decode + verify)`, () => openEnvelope(envelope)),
  measure('sign (noble)', () => sign(signedBytes, secret), 3),
].map((m) => [
  m.name,
  formatRate(m.opsPerSec),
  `${((m.opsPerSec / raw.opsPerSec) * 100).toFixed(0)}%`,
]);
printTable(['operation', 'ops/s (median)', 'vs raw crypto.verify'], rows);
console.log();

// Merkle: per-operation cost measured at the end of a log of n leaves.
const merkleRows: string[][] = [];
const id = new Uint8Array(32);
const SAMPLE = 2000;
// The first pass (n = 10^3 again) only warms the JIT and is not printed.
for (const [n, printed] of [
  [1e3, false],
  [1e3, true],
  [1e5, true],
  [1e6, true],
] as const) {
  const log = new MerkleLog();
  const view = new DataView(id.buffer);
  for (let i = 0; i < n; i++) {
    view.setUint32(0, i);
    log.appendId(id);
  }
  let start = performance.now();
  for (let i = 0; i < SAMPLE; i++) {
    view.setUint32(0, n + i);
    log.appendId(id);
  }
  const appendUs = ((performance.now() - start) * 1000) / SAMPLE;
  start = performance.now();
  for (let i = 0; i < SAMPLE; i++) log.inclusionProof((i * 7919) % log.size);
  const proofUs = ((performance.now() - start) * 1000) / SAMPLE;
  if (printed) merkleRows.push([n.toExponential(0), appendUs.toFixed(2), proofUs.toFixed(2)]);
}
printTable(['log size n', 'append µs/op', 'inclusion proof µs/op'], merkleRows);
