export {
  assembleCheckpoint,
  CHECKPOINT_PROFILE,
  CHECKPOINT_TYP,
  type CheckpointFields,
  checkpointSignedBytes,
  type DecodedCheckpoint,
  decodeCheckpoint,
  decodeReceipt,
  encodeCheckpointPayload,
  encodeReceipt,
  MAX_CHECKPOINT_BYTES,
  MAX_PROOF_HASHES,
  MAX_RECEIPT_BYTES,
  type MerkleRoot,
  type Receipt,
} from './checkpoint.js';
export {
  assembleEnvelope,
  type DecodedEnvelope,
  decodeEnvelope,
  ENVELOPE_PROFILE,
  envelopeIdOf,
  PROTECTED_HEADER,
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
export { type Sha256Backend, sha256, sha256Backends } from './lib/sha256.js';
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
export {
  assembleSign1,
  bstrHead,
  readSign1,
  SIGNATURE_SIZE,
  type Sign1Layout,
  type Sign1Profile,
  type Signature,
  type SignedBytes,
  sign1Profile,
  sigStructure,
} from './sign1.js';
