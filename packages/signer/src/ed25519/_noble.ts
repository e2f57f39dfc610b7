// @noble/ed25519 with its synchronous SHA-512 configured. Every use of noble in
// this package imports it from here, so the configuration is never tree-shaken
// away from the code that needs it.
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export { ed, sha512 };
export const Point = ed.Point;
export type Point = ed.Point;
