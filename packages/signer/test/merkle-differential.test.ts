// Differential test: the incremental log and the RFC 9162 verifiers against a naive
// implementation written in this file straight from the RFC's recursive definitions
// (MTH §2.1.1, PATH §2.1.3.1, PROOF/SUBPROOF §2.1.4.1), on a 2000-leaf log with a
// fixed seed. Pairs are sampled, not exhaustive, to stay fast.
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import { MerkleLog } from '../src/merkle/log.js';
import { merkleRoot } from '../src/merkle/root.js';
import { verifyConsistency, verifyInclusion } from '../src/merkle/verify.js';

// ---- naive reference, from the RFC text ----------------------------------------

const H = (...parts: (number | Uint8Array)[]): Uint8Array => {
  const bytes: number[] = [];
  for (const part of parts) typeof part === 'number' ? bytes.push(part) : bytes.push(...part);
  return sha256(Uint8Array.from(bytes));
};
const EMPTY = sha256(new Uint8Array(0));
const hex = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? 'none' : Buffer.from(bytes).toString('hex');
const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && hex(a) === hex(b);

/** k: the largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const N = 2000;
const leafData = Array.from({ length: N }, (_, i) =>
  sha256(new TextEncoder().encode(`envelope ${i}`)),
);
const leaves = leafData.map((d) => H(0x00, d));

// MTH memoised by range, so computing it for every prefix stays O(N log N) hashes.
const memo = new Map<string, Uint8Array>();
function MTH(lo: number, hi: number): Uint8Array {
  if (hi === lo) return EMPTY;
  if (hi - lo === 1) return leaves[lo]!;
  const key = `${lo}:${hi}`;
  let hash = memo.get(key);
  if (hash === undefined) {
    const k = split(hi - lo);
    hash = H(0x01, MTH(lo, lo + k), MTH(lo + k, hi));
    memo.set(key, hash);
  }
  return hash;
}

/** PATH(m, D[lo:hi]), m absolute. */
function PATH(m: number, lo: number, hi: number): Uint8Array[] {
  if (hi - lo === 1) return [];
  const k = split(hi - lo);
  return m - lo < k
    ? [...PATH(m, lo, lo + k), MTH(lo + k, hi)]
    : [...PATH(m, lo + k, hi), MTH(lo, lo + k)];
}

/** SUBPROOF(m, D[lo:hi], b), m relative to lo. */
function SUBPROOF(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
  if (m === hi - lo) return b ? [] : [MTH(lo, hi)];
  const k = split(hi - lo);
  return m <= k
    ? [...SUBPROOF(m, lo, lo + k, b), MTH(lo + k, hi)]
    : [...SUBPROOF(m - k, lo + k, hi, false), MTH(lo, lo + k)];
}

const PROOF = (m: number, n: number) => (m === 0 || m === n ? [] : SUBPROOF(m, 0, n, true));

/** The root PATH(index, D[lo:hi]) = proof implies, consuming the proof from its end. */
function rootFromPath(
  index: number,
  lo: number,
  hi: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
): Uint8Array | undefined {
  if (hi - lo === 1) return proof.length === 0 ? leaf : undefined;
  const last = proof[proof.length - 1];
  if (last === undefined) return undefined;
  const rest = proof.slice(0, -1);
  const k = split(hi - lo);
  if (index - lo < k) {
    const left = rootFromPath(index, lo, lo + k, leaf, rest);
    return left && H(0x01, left, last);
  }
  const right = rootFromPath(index, lo + k, hi, leaf, rest);
  return right && H(0x01, last, right);
}

function naiveVerifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  if (![leaf, root, ...proof].every((h) => h.length === 32) || index >= size) return false;
  return same(rootFromPath(index, 0, size, leaf, proof), root);
}

/** [old root part, new subtree hash] that SUBPROOF(m, D[lo:hi], b) = proof implies. */
function rootsFromSubproof(
  m: number,
  lo: number,
  hi: number,
  b: boolean,
  proof: Uint8Array[],
  rootM: Uint8Array,
): [Uint8Array, Uint8Array] | undefined {
  if (m === hi - lo) {
    if (b) return proof.length === 0 ? [rootM, rootM] : undefined;
    return proof.length === 1 ? [proof[0]!, proof[0]!] : undefined;
  }
  const last = proof[proof.length - 1];
  if (last === undefined) return undefined;
  const rest = proof.slice(0, -1);
  const k = split(hi - lo);
  if (m <= k) {
    const r = rootsFromSubproof(m, lo, lo + k, b, rest, rootM);
    return r && [r[0], H(0x01, r[1], last)];
  }
  const r = rootsFromSubproof(m - k, lo + k, hi, false, rest, rootM);
  return r && [H(0x01, last, r[0]), H(0x01, last, r[1])];
}

function naiveVerifyConsistency(
  m: number,
  n: number,
  proof: Uint8Array[],
  rootM: Uint8Array,
  rootN: Uint8Array,
): boolean {
  if (![rootM, rootN, ...proof].every((h) => h.length === 32) || m > n) return false;
  if (m === 0) return proof.length === 0 && same(rootM, EMPTY) && (n > 0 || same(rootN, EMPTY));
  if (m === n) return proof.length === 0 && same(rootM, rootN);
  const roots = rootsFromSubproof(m, 0, n, true, proof, rootM);
  return roots !== undefined && same(roots[0], rootM) && same(roots[1], rootN);
}

// ---- fixed-seed sampling ----------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(0x6962);
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1)); // [lo, hi]

/** A copy of a hash with one byte changed. */
function flipped(hash: Uint8Array): Uint8Array {
  const copy = hash.slice();
  copy[int(0, copy.length - 1)]! ^= 1 << int(0, 7);
  return copy;
}

/** Proof-shape mutations that must always fail: changed, missing or extra elements. */
function brokenProofs(proof: Uint8Array[], root: Uint8Array): [string, Uint8Array[]][] {
  const out: [string, Uint8Array[]][] = proof.map((_, i) => [
    `byte changed in element ${i}`,
    proof.map((e, j) => (i === j ? flipped(e) : e)),
  ]);
  if (proof.length > 0) {
    out.push(['last element dropped', proof.slice(0, -1)]);
    out.push(['first element dropped', proof.slice(1)]);
    out.push(['last element repeated', [...proof, proof[proof.length - 1]!]]);
    out.push(['element 31 bytes long', [proof[0]!.slice(1), ...proof.slice(1)]]);
    out.push([
      'two elements swapped',
      proof.length > 1 ? [proof[1]!, proof[0]!, ...proof.slice(2)] : [],
    ]);
  }
  out.push(['root appended', [...proof, root]]);
  out.push(['random hash appended', [...proof, sha256(Uint8Array.of(int(0, 255)))]]);
  out.push(['root prepended', [root, ...proof]]);
  return out;
}

// ---- the tests ----------------------------------------------------------------------

describe('merkle: differential against the naive RFC 9162 definitions', function () {
  this.timeout(20_000);

  const log = new MerkleLog();
  const rolling: Uint8Array[] = [log.root()];
  for (const id of leafData) {
    log.appendId(id);
    rolling.push(log.root());
  }

  it('has the naive MTH as the root of every prefix, 0..2000', () => {
    for (let size = 0; size <= N; size++) {
      const want = hex(MTH(0, size));
      expect(hex(rolling[size]), `root after appending ${size}`).to.equal(want);
      expect(hex(log.root(size)), `historic root(${size})`).to.equal(want);
    }
  });

  it('computes the same MTH with merkleRoot(leafHashes) on sampled sizes', () => {
    for (const size of [0, 1, 2, 3, 4, 5, 7, 8, 9, 1023, 1024, 1025, N]) {
      expect(hex(merkleRoot(leaves.slice(0, size))), `size ${size}`).to.equal(hex(MTH(0, size)));
    }
    for (let i = 0; i < 10; i++) {
      const size = int(0, N);
      expect(hex(merkleRoot(leaves.slice(0, size))), `size ${size}`).to.equal(hex(MTH(0, size)));
    }
  });

  const inclusionPairs: [number, number][] = [
    [0, 1],
    [0, 2],
    [1, 2],
    [0, 1024],
    [1023, 1024],
    [1024, 1025],
    [N - 1, N],
  ];
  for (let i = 0; i < 400; i++) {
    const size = int(1, N);
    inclusionPairs.push([int(0, size - 1), size]);
  }

  it('generates PATH byte for byte, and every path verifies (407 pairs)', () => {
    for (const [index, size] of inclusionPairs) {
      const proof = log.inclusionProof(index, size);
      expect(proof.map(hex), `PATH(${index}, ${size})`).to.deep.equal(
        PATH(index, 0, size).map(hex),
      );
      const root = MTH(0, size);
      expect(verifyInclusion(leaves[index]!, index, size, proof, root)).to.equal(true);
      expect(naiveVerifyInclusion(leaves[index]!, index, size, proof, root)).to.equal(true);
    }
  });

  const consistencyPairs: [number, number][] = [
    [0, 0],
    [0, 5],
    [1, 1],
    [1, 2],
    [2, 3],
    [1024, 1025],
    [1023, 1024],
    [1024, N],
    [N - 1, N],
  ];
  for (let i = 0; i < 400; i++) {
    const n = int(1, N);
    consistencyPairs.push([int(1, n), n]);
  }

  it('generates PROOF byte for byte, and every proof verifies (409 pairs)', () => {
    for (const [m, n] of consistencyPairs) {
      const proof = log.consistencyProof(m, n);
      expect(proof.map(hex), `PROOF(${m}, ${n})`).to.deep.equal(PROOF(m, n).map(hex));
      const [rootM, rootN] = [MTH(0, m), MTH(0, n)];
      expect(verifyConsistency(m, n, proof, rootM, rootN), `${m}→${n}`).to.equal(true);
      expect(naiveVerifyConsistency(m, n, proof, rootM, rootN)).to.equal(true);
    }
  });

  it('rejects every mutated inclusion proof; a wrong index never verifies', () => {
    let cases = 0;
    for (const [index, size] of inclusionPairs.slice(0, 100)) {
      const leaf = leaves[index]!;
      const root = MTH(0, size);
      const proof = log.inclusionProof(index, size);
      for (const [what, bad] of brokenProofs(proof, root)) {
        expect(verifyInclusion(leaf, index, size, bad, root), `${what}: ${index}/${size}`).to.equal(
          false,
        );
        cases++;
      }
      const wrong: [string, Uint8Array, Uint8Array][] = [
        ['other leaf', leaves[(index + 1) % N]!, root],
        ['changed leaf', flipped(leaf), root],
        ['changed root', leaf, flipped(root)],
        ['root of size - 1', leaf, MTH(0, size - 1)],
      ];
      for (const [what, l, r] of wrong) {
        expect(verifyInclusion(l, index, size, proof, r), `${what}: ${index}/${size}`).to.equal(
          false,
        );
        cases++;
      }
      for (const other of [index - 1, index + 1, index ^ 1, index ^ 2, size, 0, size - 1]) {
        if (other === index || other < 0) continue;
        expect(
          verifyInclusion(leaf, other, size, proof, root),
          `index ${other} not ${index}/${size}`,
        ).to.equal(false);
        cases++;
      }
    }
    expect(cases).to.be.greaterThan(1500);
  });

  it('agrees with the naive verifier on wrong sizes, which the root alone cannot rule out', () => {
    // A root does not commit to the tree size: PATH(0, 3) also verifies as a path of a
    // 4-leaf tree with the same root. This is why a checkpoint signs size and root together.
    expect(verifyInclusion(leaves[0]!, 0, 4, PATH(0, 0, 3), MTH(0, 3))).to.equal(true);
    let accepted = 0;
    let rejected = 0;
    for (const [index, size] of inclusionPairs.slice(0, 100)) {
      const leaf = leaves[index]!;
      const root = MTH(0, size);
      const proof = log.inclusionProof(index, size);
      for (const other of [size - 1, size + 1, size * 2, size >> 1]) {
        if (other === size) continue;
        const got = verifyInclusion(leaf, index, other, proof, root);
        expect(got, `size ${other} not ${size} (index ${index})`).to.equal(
          naiveVerifyInclusion(leaf, index, other, proof, root),
        );
        got ? accepted++ : rejected++;
      }
    }
    expect(rejected).to.be.greaterThan(accepted);
  });

  it('rejects every mutated consistency proof; a wrong old size never verifies', () => {
    let cases = 0;
    for (const [m, n] of consistencyPairs.slice(0, 100)) {
      const [rootM, rootN] = [MTH(0, m), MTH(0, n)];
      const proof = log.consistencyProof(m, n);
      for (const [what, bad] of brokenProofs(proof, rootN)) {
        if (bad.length === 0 && (m === n || m === 0)) continue; // an empty proof is right there
        expect(verifyConsistency(m, n, bad, rootM, rootN), `${what}: ${m}→${n}`).to.equal(false);
        expect(naiveVerifyConsistency(m, n, bad, rootM, rootN)).to.equal(false);
        cases++;
      }
      const wrong: [string, Uint8Array, Uint8Array][] = [
        ['changed old root', flipped(rootM), rootN],
        ['changed new root', rootM, flipped(rootN)],
        ['swapped roots', rootN, rootM],
      ];
      for (const [what, a, b] of wrong) {
        if (hex(a) === hex(rootM) && hex(b) === hex(rootN)) continue; // m = n swaps to itself
        if (m === 0 && n > 0 && hex(a) === hex(rootM)) continue; // the empty tree fits any new root
        expect(verifyConsistency(m, n, proof, a, b), `${what}: ${m}→${n}`).to.equal(false);
        cases++;
      }
      for (const other of [m - 1, m + 1, m ^ 1, m ^ 2, n + 1]) {
        if (other === m || other < 0) continue;
        expect(
          verifyConsistency(other, n, proof, rootM, rootN),
          `m ${other} not ${m}→${n}`,
        ).to.equal(false);
        cases++;
      }
    }
    expect(cases).to.be.greaterThan(1000);
  });

  it('agrees with the naive verifier on wrong new sizes', () => {
    for (const [m, n] of consistencyPairs.slice(0, 100)) {
      const [rootM, rootN] = [MTH(0, m), MTH(0, n)];
      const proof = log.consistencyProof(m, n);
      for (const other of [n - 1, n + 1, n * 2]) {
        if (other === n || other < 0) continue;
        expect(
          verifyConsistency(m, other, proof, rootM, rootN),
          `n ${other} not ${m}→${n}`,
        ).to.equal(naiveVerifyConsistency(m, other, proof, rootM, rootN));
      }
    }
  });
});
