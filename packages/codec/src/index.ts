export {
  assembleEnvelope,
  type DecodedEnvelope,
  decodeEnvelope,
  envelopeIdOf,
  PROTECTED_HEADER,
  SIGNATURE_SIZE,
  type Signature,
  type SignedBytes,
  signedBytesFor,
} from './envelope.js';
export {
  type ErrorCode,
  HotlineError,
  type HotlineErrorOptions,
  isHotlineError,
} from './errors.js';
export {
  type Bytes,
  bytesEqual,
  compareBytes,
  concatBytes,
  copyBytes,
  fromHex,
  toHex,
} from './lib/bytes.js';
export { type CborValue, decodeScanned, encodeCbor } from './lib/cbor.js';
export { firstInvalidUtf8, ProfileReader, scanProfile } from './lib/scan.js';
export {
  type ChannelId,
  type EnvelopeFields,
  type EnvelopeFieldsInput,
  type EnvelopeId,
  encodePayload,
  type Precedence,
  type PublicKey,
  parsePayload,
} from './payload.js';
export {
  COSE_SIGN1_TAG,
  ERROR_CODES,
  FIELD,
  HEADER_TYP,
  KIND,
  KIND_RANGES,
  LIMITS,
  PRECEDENCE,
} from './registry.generated.js';
