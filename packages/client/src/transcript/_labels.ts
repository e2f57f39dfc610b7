// How a transcript names members and relays to people: by charter name, with a key
// prefix where a name is not unique (names are labels, never identities).

import { bytesEqual, type Charter, toHex } from '@hotline/codec';

/** The first 4 bytes of a key or id in hex, then an ellipsis. */
export function shortHex(bytes: Uint8Array): string {
  return `${toHex(bytes.subarray(0, 4))}…`;
}

/** The member's name, with its key prefix if another member has the same name. */
export function memberLabel(charter: Charter | undefined, key: Uint8Array): string {
  const member = charter?.members.find((m) => bytesEqual(m.key, key));
  if (member === undefined) return shortHex(key);
  const unique = charter!.members.filter((m) => m.name === member.name).length === 1;
  return unique ? member.name : `${member.name} ${shortHex(key)}`;
}

export function relayLabel(key: Uint8Array): string {
  return `relay ${shortHex(key)}`;
}
