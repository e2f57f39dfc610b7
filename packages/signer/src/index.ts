export {
  type ChainEnvelope,
  type ChainHead,
  type ChainHistory,
  ChainTracker,
  type ChainTrackerState,
  type ChainVerdict,
  MemoryChainHistory,
  SenderChain,
} from './chain.js';
export {
  checkCheckpointConsistency,
  issueCheckpoint,
  type OpenCheckpointOptions,
  openCheckpoint,
  type VerifiedReceipt,
  type VerifyReceiptOptions,
  verifyReceipt,
} from './checkpoint.js';
export {
  decodeKeyFile,
  type EncodeKeyFileOptions,
  encodeKeyFile,
  KEYFILE_DEFAULT_N,
  KEYFILE_MAX_N,
  readKeyFile,
  type WriteKeyFileOptions,
  writeKeyFile,
} from './ed25519/keyfile.js';
export {
  generateSecretKey,
  PUBLIC_KEY_SIZE,
  publicKeyFromBytes,
  publicKeyFromHex,
  publicKeyOf,
  publicKeyToHex,
  SECRET_KEY_SIZE,
  type SecretKey,
  type SignOptions,
  secretKeyFromBytes,
  secretKeyFromHex,
  secretKeyToHex,
  sign,
} from './ed25519/keys.js';
export {
  backendAvailable,
  isAcceptableKey,
  type VerifyBackend,
  type VerifyOptions,
  verify,
} from './ed25519/verify.js';
export { type OpenedEnvelope, openEnvelope, signEnvelope } from './envelope.js';
export {
  Membership,
  type MembershipEnvelope,
  type MembershipRefusal,
  type Revocation,
  type Rotation,
} from './membership.js';
export {
  EMPTY_TREE_ROOT,
  leafHash,
  leafHashOfId,
  MERKLE_HASH_SIZE,
  nodeHash,
} from './merkle/hash.js';
export { MerkleLog } from './merkle/log.js';
export {
  consistencyProof,
  consistencyProofNodes,
  inclusionProof,
  inclusionProofNodes,
} from './merkle/prove.js';
export { merkleRoot, rootAt, rootNodes } from './merkle/root.js';
export {
  type GetNode,
  MemoryNodeStore,
  type MerkleNode,
  type NodeId,
  type NodeStore,
} from './merkle/store.js';
export { verifyConsistency, verifyInclusion } from './merkle/verify.js';
