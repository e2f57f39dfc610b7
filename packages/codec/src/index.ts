export {
  type AckDeadlines,
  type AckDeadlineTable,
  ackDeadlinesOf,
  CHARTER_DEFAULTS,
  CHARTER_LIMITS,
  type Charter,
  type CharterInput,
  type CharterMember,
  type CharterMemberInput,
  type CharterParams,
  type CharterParamsInput,
  type CharterRelay,
  type CharterRelayInput,
  channelIdOf,
  checkCharterEnvelope,
  decodeCharterBody,
  type EncryptionKey,
  encodeCharterBody,
  isMember,
  listsRelay,
  type MemberRole,
  memberRole,
  permitsKind,
} from './charter.js';
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
  AUTH_PROFILE,
  AUTH_TYP,
  type AuthFrame,
  authStatement,
  type ChallengeFrame,
  type CheckpointFrame,
  type CheckpointRequestFrame,
  type ConsistencyProofFrame,
  type ConsistencyRequestFrame,
  type DecodeFrameOptions,
  type DeliverFrame,
  decodeFrame,
  type EndOfBackfillFrame,
  type ErrorDetail,
  type ErrorFrame,
  encodeAuthPayload,
  encodeFrame,
  FRAME_LAYOUTS,
  type Frame,
  type FrameFieldKind,
  type FrameLayout,
  type FrameSender,
  type FrameType,
  type InclusionProofFrame,
  type InclusionRequestFrame,
  NONCE_SIZE,
  type Nonce,
  type PublishFrame,
  type ReceiptFrame,
  type RequestIdRule,
  type SubscribeFrame,
  type UnsubscribedFrame,
  type UnsubscribeFrame,
  type WelcomeFrame,
} from './frames.js';
export * from './kinds/ack.js';
export * from './kinds/assurance.js';
export {
  type Area,
  BODY_LIMITS,
  decodeBody,
  encodeArea,
  encodeBody,
  encodePoint,
  encodeTextBlock,
  encodeWindow,
  MICRODEGREES,
  type Point,
  type TextBlock,
  type Window,
} from './kinds/common.js';
export {
  decodeKindBody,
  encodeKindBody,
  type KindBody,
  type KindBodyInput,
} from './kinds/dispatch.js';
export * from './kinds/heartbeat.js';
export * from './kinds/incident.js';
export * from './kinds/join.js';
export * from './kinds/keys.js';
export * from './kinds/measures.js';
export * from './kinds/notification.js';
export * from './kinds/redline.js';
export * from './kinds/suspension.js';
export * from './kinds/text.js';
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
  FRAME,
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
