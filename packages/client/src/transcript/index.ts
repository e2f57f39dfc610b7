export { decodeTranscript } from './decode.js';
export { encodeTranscript } from './encode.js';
export {
  MAX_TRANSCRIPT_BYTES,
  MAX_TRANSCRIPT_RELAYS,
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_KEYS,
  TRANSCRIPT_NESTING,
  TRANSCRIPT_RELAY_KEYS,
  type Transcript,
  type TranscriptConsistency,
  type TranscriptRelay,
} from './format.js';
export { jsonSafe, transcriptToJson } from './json.js';
export {
  type TranscriptItem,
  type TranscriptReport,
  type TranscriptVerdict,
  type TranscriptVerifyOptions,
  verifyTranscript,
} from './verify.js';
