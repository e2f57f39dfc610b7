// The body of one verify-pool thread (see ../verify-pool.ts): verifies batches of
// (signature, signed bytes, public key) under the Hotline rule on the native backend
// and answers with one byte per item (1 valid, 0 invalid).
//
// Batch layout, item after item: u32 big-endian message length, 64-byte signature,
// 32-byte public key, the message.

import { parentPort } from 'node:worker_threads';
import { verify } from '@hotline/signer';

export interface VerifyBatch {
  readonly id: number;
  readonly count: number;
  readonly buffer: ArrayBuffer;
}

export type VerifyAnswer =
  | { readonly id: number; readonly results: Uint8Array }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (port === null) throw new Error('verify-worker runs only as a worker thread');

port.on('message', (batch: VerifyBatch) => {
  try {
    const results = new Uint8Array(batch.count);
    const bytes = new Uint8Array(batch.buffer);
    const view = new DataView(batch.buffer);
    let offset = 0;
    for (let i = 0; i < batch.count; i++) {
      const length = view.getUint32(offset);
      const signature = bytes.subarray(offset + 4, offset + 68);
      const publicKey = bytes.subarray(offset + 68, offset + 100);
      const message = bytes.subarray(offset + 100, offset + 100 + length);
      offset += 100 + length;
      results[i] = verify(signature, message, publicKey, { backend: 'native' }) ? 1 : 0;
    }
    port.postMessage({ id: batch.id, results } satisfies VerifyAnswer, [results.buffer]);
  } catch (error) {
    // Only a host without a working node:crypto gets here: the whole batch fails.
    port.postMessage({ id: batch.id, error: String(error) } satisfies VerifyAnswer);
  }
});
