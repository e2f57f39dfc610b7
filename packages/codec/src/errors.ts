import type { ErrorCode } from './registry.generated.js';

export type { ErrorCode };

export interface HotlineErrorOptions {
  /** Byte offset in the input where the check failed, when there is one. */
  offset?: number;
  /** Payload field the check concerns, when there is one. */
  field?: string;
  /** Extra machine-readable detail (e.g. the expected seq of a gap). */
  detail?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error class of Hotline: a protocol rejection with a stable `code` from
 * protocol/registries/errors.json. Match on `code`, never on `message`.
 */
export class HotlineError extends Error {
  readonly code: ErrorCode;
  readonly offset: number | undefined;
  readonly field: string | undefined;
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: HotlineErrorOptions = {}) {
    super(
      `${code}: ${message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.code = code;
    this.offset = options.offset;
    this.field = options.field;
    this.detail = options.detail;
  }
}

/** True for a HotlineError, optionally with the given code. */
export function isHotlineError(value: unknown, code?: ErrorCode): value is HotlineError {
  return value instanceof HotlineError && (code === undefined || value.code === code);
}
