// Expectations on relay frames, each failing with what was expected and what came.

import { type ErrorCode, type ErrorFrame, type Frame, toHex } from '@hotline/codec';
import type { RelayClient } from './client.js';
import { describeClose } from './client.js';
import { ConformanceFailure, check, checkEqual } from './failure.js';

export type FrameOfType<T extends Frame['type']> = Extract<Frame, { type: T }>;

/** One line describing a frame, for failure messages. */
export function describeFrame(frame: Frame): string {
  if (frame.type === 'error') {
    const { message, ...rest } = frame.detail;
    const fields = Object.entries(rest).map(
      ([k, v]) => `${k}=${v instanceof Uint8Array ? toHex(v) : String(v)}`,
    );
    const detail = fields.length === 0 ? '' : ` {${fields.join(', ')}}`;
    return `error ${frame.code}${detail} (request ${frame.requestId})`;
  }
  return `${frame.type} (request ${frame.requestId})`;
}

/** The frame, if it has type `type` and (when given) request id `requestId`. */
export function expectFrame<T extends Frame['type']>(
  frame: Frame,
  type: T,
  requestId?: number,
): FrameOfType<T> {
  check(frame.type === type, `expected ${type}, got ${describeFrame(frame)}`);
  if (requestId !== undefined) checkEqual(frame.requestId, requestId, `${type} request id`);
  return frame as FrameOfType<T>;
}

/**
 * The frame, if it is an error with `code` (or a code `accepts` admits) and the
 * request id `requestId`.
 */
export function expectError(
  frame: Frame,
  code: ErrorCode | ((code: ErrorCode) => boolean),
  requestId: number,
): ErrorFrame {
  const wanted = typeof code === 'string' ? code : 'the expected code';
  check(frame.type === 'error', `expected error ${wanted}, got ${describeFrame(frame)}`);
  const error = frame as ErrorFrame;
  const ok = typeof code === 'string' ? error.code === code : code(error.code);
  check(ok, `expected error ${wanted}, got ${describeFrame(error)}`);
  checkEqual(error.requestId, requestId, `${error.code} request id`);
  return error;
}

/** Waits for the relay to close the connection and checks the close code. */
export async function expectClose(client: RelayClient, code: number): Promise<void> {
  const closed = await client.whenClosed(`close ${code}`);
  check(closed.code === code, `expected close ${code}, got ${describeClose(closed)}`);
}

/**
 * The relay's answer to a rejected frame that ends the connection (§12): an error
 * frame with `code` and request id 0, then the close `closeCode`.
 */
export async function expectErrorThenClose(
  client: RelayClient,
  code: ErrorCode | ((code: ErrorCode) => boolean),
  closeCode: number,
  requestId = 0,
): Promise<ErrorFrame> {
  const frame = await client.nextOrClose(`an error frame before close ${closeCode}`);
  if (frame === undefined) {
    const closed = client.closed!;
    const wanted = typeof code === 'string' ? code : 'the expected code';
    throw new ConformanceFailure(
      `expected error ${wanted} then close ${closeCode}, got only the close (${describeClose(closed)})`,
    );
  }
  const error = expectError(frame, code, requestId);
  await expectClose(client, closeCode);
  return error;
}

/** Bytes equal, compared as hex in the failure message. */
export function checkBytes(
  actual: Uint8Array | undefined,
  expected: Uint8Array,
  what: string,
): void {
  check(
    actual !== undefined && toHex(actual) === toHex(expected),
    `${what}: expected ${toHex(expected)}, got ${actual === undefined ? 'nothing' : toHex(actual)}`,
  );
}
