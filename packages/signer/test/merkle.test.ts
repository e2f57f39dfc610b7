// RFC 6962/9162 Merkle log: published reference values, argument handling, the
// node store, the incremental log's costs and its right-edge cache.
import { fromHex, toHex } from '@hotline/codec';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import fc from 'fast-check';
import { EMPTY_TREE_ROOT, leafHash, leafHashOfId, nodeHash } from '../src/merkle/hash.js';
import { MerkleLog } from '../src/merkle/log.js';
import {
  consistencyProof,
  consistencyProofNodes,
  inclusionProof,
  inclusionProofNodes,
} from '../src/merkle/prove.js';
import { merkleRoot, rootAt, rootNodes } from '../src/merkle/root.js';
import {
  type GetNode,
  MemoryNodeStore,
  type MerkleNode,
  type NodeId,
  type NodeStore,
} from '../src/merkle/store.js';
import { verifyConsistency, verifyInclusion } from '../src/merkle/verify.js';

// The reference tree of the certificate-transparency test suites (also used by
// transparency-dev/merkle): 8 leaves of varying length and the published roots of
// every prefix, audit paths and consistency proofs (1-based leaf numbers there,
// 0-based indices here).
const REF_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(fromHex);
const REF_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const REF_INCLUSION: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    index: 2,
    size: 3,
    proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'],
  },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const REF_CONSISTENCY: { m: number; n: number; proof: string[] }[] = [
  { m: 1, n: 1, proof: [] },
  {
    m: 1,
    n: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    m: 6,
    n: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    m: 2,
    n: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    m: 6,
    n: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

function refLog(): MerkleLog {
  const log = new MerkleLog();
  log.appendLeafHashes(REF_LEAVES.map(leafHash));
  return log;
}

/** A store that records every read, to check that proofs never scan the log. */
class CountingStore implements NodeStore {
  readonly inner = new MemoryNodeStore();
  reads: [number, number][] = [];
  get(level: number, index: number): Uint8Array | undefined {
    this.reads.push([level, index]);
    return this.inner.get(level, index);
  }
  put(nodes: readonly MerkleNode[]): void {
    this.inner.put(nodes);
  }
}

/** Deterministic envelope-id stand-ins. */
function ids(count: number, from = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    sha256(Uint8Array.of(i + from, (i + from) >> 8, (i + from) >> 16)),
  );
}

describe('merkle: hashing (RFC 9162 §2.1)', () => {
  it('separates leaves from nodes with 0x00 / 0x01 prefixes', () => {
    const a = new Uint8Array(32).fill(0xaa);
    const b = new Uint8Array(32).fill(0xbb);
    expect(toHex(leafHash(a))).to.equal(toHex(sha256(Uint8Array.of(0, ...a))));
    expect(toHex(nodeHash(a, b))).to.equal(toHex(sha256(Uint8Array.of(1, ...a, ...b))));
    expect(toHex(leafHashOfId(a))).to.equal(toHex(leafHash(a)));
  });

  it('has SHA-256("") as the empty root', () => {
    expect(toHex(EMPTY_TREE_ROOT)).to.equal(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(toHex(merkleRoot([]))).to.equal(toHex(EMPTY_TREE_ROOT));
    expect(toHex(new MerkleLog().root())).to.equal(toHex(EMPTY_TREE_ROOT));
  });

  it('rejects wrong argument types and lengths', () => {
    expect(() => leafHash('ab' as never)).to.throw(TypeError);
    expect(() => leafHashOfId(new Uint8Array(31))).to.throw(RangeError);
    expect(() => nodeHash(new Uint8Array(32), new Uint8Array(33))).to.throw(RangeError);
  });
});

describe('merkle: certificate-transparency reference tree', () => {
  it('computes the published root of every prefix', () => {
    const hashes = REF_LEAVES.map(leafHash);
    const log = refLog();
    REF_ROOTS.forEach((root, i) => {
      expect(toHex(merkleRoot(hashes.slice(0, i + 1))), `merkleRoot ${i + 1}`).to.equal(root);
      expect(toHex(log.root(i + 1)), `log.root ${i + 1}`).to.equal(root);
    });
  });

  it('generates and verifies the published inclusion proofs', () => {
    const log = refLog();
    for (const { index, size, proof } of REF_INCLUSION) {
      expect(log.inclusionProof(index, size).map(toHex), `${index}/${size}`).to.deep.equal(proof);
      const leaf = leafHash(REF_LEAVES[index]!);
      expect(
        verifyInclusion(leaf, index, size, proof.map(fromHex), fromHex(REF_ROOTS[size - 1]!)),
      ).to.equal(true);
    }
  });

  it('generates and verifies the published consistency proofs', () => {
    const log = refLog();
    for (const { m, n, proof } of REF_CONSISTENCY) {
      expect(log.consistencyProof(m, n).map(toHex), `${m}→${n}`).to.deep.equal(proof);
      const rootM = fromHex(REF_ROOTS[m - 1]!);
      const rootN = fromHex(REF_ROOTS[n - 1]!);
      expect(verifyConsistency(m, n, proof.map(fromHex), rootM, rootN), `${m}→${n}`).to.equal(true);
    }
  });
});

describe('merkle: verifier edge cases', () => {
  const h = (byte: number) => new Uint8Array(32).fill(byte);

  it('fails an index ≥ size and the empty tree, without throwing', () => {
    expect(verifyInclusion(h(1), 0, 0, [], h(1))).to.equal(false);
    expect(verifyInclusion(h(1), 1, 1, [], h(1))).to.equal(false);
    expect(verifyInclusion(h(1), 0, 1, [], h(1))).to.equal(true);
    expect(verifyInclusion(h(1), 0, 1, [], h(2))).to.equal(false);
  });

  it('treats hashes that are not 32 bytes as a failed proof', () => {
    expect(verifyInclusion(new Uint8Array(31), 0, 1, [], new Uint8Array(31))).to.equal(false);
    expect(verifyInclusion(h(1), 0, 2, [new Uint8Array(0)], h(1))).to.equal(false);
    expect(verifyConsistency(1, 1, [], new Uint8Array(33), new Uint8Array(33))).to.equal(false);
  });

  it('decides m = 0, m = n and m > n outside the RFC algorithm', () => {
    // m = 0: the empty tree (root SHA-256("")) is a prefix of any tree; nothing to prove.
    expect(verifyConsistency(0, 5, [], EMPTY_TREE_ROOT, h(9))).to.equal(true);
    expect(verifyConsistency(0, 0, [], EMPTY_TREE_ROOT, EMPTY_TREE_ROOT)).to.equal(true);
    expect(verifyConsistency(0, 0, [], EMPTY_TREE_ROOT, h(9))).to.equal(false);
    expect(verifyConsistency(0, 5, [], h(1), h(9))).to.equal(false);
    expect(verifyConsistency(0, 5, [EMPTY_TREE_ROOT], EMPTY_TREE_ROOT, h(9))).to.equal(false);
    // m = n: equal roots and an empty proof.
    expect(verifyConsistency(3, 3, [], h(4), h(4))).to.equal(true);
    expect(verifyConsistency(3, 3, [], h(4), h(5))).to.equal(false);
    expect(verifyConsistency(3, 3, [h(4)], h(4), h(4))).to.equal(false);
    // m > n never holds; an empty proof for 0 < m < n never holds.
    expect(verifyConsistency(4, 3, [], h(4), h(4))).to.equal(false);
    expect(verifyConsistency(1, 2, [], h(4), h(5))).to.equal(false);
  });

  it('throws TypeError/RangeError on wrong argument types and ranges', () => {
    expect(() => verifyInclusion('x' as never, 0, 1, [], h(1))).to.throw(TypeError);
    expect(() => verifyInclusion(h(1), 0, 1, [h(1), 'x' as never], h(1))).to.throw(TypeError);
    expect(() => verifyInclusion(h(1), 0, 1, {} as never, h(1))).to.throw(TypeError);
    expect(() => verifyInclusion(h(1), '0' as never, 1, [], h(1))).to.throw(TypeError);
    expect(() => verifyInclusion(h(1), -1, 1, [], h(1))).to.throw(RangeError);
    expect(() => verifyInclusion(h(1), 0, 1.5, [], h(1))).to.throw(RangeError);
    expect(() => verifyConsistency(0, 2 ** 53, [], h(1), h(1))).to.throw(RangeError);
    expect(() => verifyConsistency(0, 1, [], h(1), null as never)).to.throw(TypeError);
    expect(() => inclusionProof(3, 3, () => h(0))).to.throw(RangeError);
    expect(() => consistencyProof(4, 3, () => h(0))).to.throw(RangeError);
    expect(() => inclusionProof(0, 3, null as never)).to.throw(TypeError);
  });
});

describe('merkle: sizes beyond 2^32 (no 32-bit arithmetic)', () => {
  // A virtual tree whose leaves are all equal: every node of level L is z[L] =
  // H(z[L-1], z[L-1]), so complete subtrees at any size cost nothing to "store".
  const z: Uint8Array[] = [leafHash(new Uint8Array(32))];
  for (let level = 1; level <= 53; level++) z.push(nodeHash(z[level - 1]!, z[level - 1]!));
  const getNode = (level: number) => z[level];
  const popcount = (x: number) => x.toString(2).replaceAll('0', '').length;
  const bitLength = (x: bigint) => (x === 0n ? 0 : x.toString(2).length);

  it('proves inclusion and consistency at sizes around 2^32, 2^40 and 2^53', () => {
    const cases: [number, number][] = [
      [2 ** 40 + 12345, 2 ** 41 - 1],
      [2 ** 32, 2 ** 32 + 1],
      [2 ** 32 - 1, 2 ** 33 + 7],
      [2 ** 53 - 2, 2 ** 53 - 1],
    ];
    for (const [m, n] of cases) {
      const rootM = rootAt(m, getNode);
      const rootN = rootAt(n, getNode);
      const proof = consistencyProof(m, n, getNode);
      expect(verifyConsistency(m, n, proof, rootM, rootN), `${m}→${n}`).to.equal(true);
      expect(verifyConsistency(m, n, proof, rootAt(m - 1, getNode), rootN)).to.equal(false);
      expect(verifyConsistency(m, n, proof.slice(1), rootM, rootN)).to.equal(false);

      const index = m - 1;
      const path = inclusionProof(index, n, getNode);
      // |PATH| = bits where index and size-1 first differ, plus the left siblings above.
      const inner = bitLength(BigInt(index) ^ BigInt(n - 1));
      const border = popcount(Math.floor(index / 2 ** inner));
      expect(path.length, `|PATH(${index}, ${n})|`).to.equal(inner + border);
      expect(verifyInclusion(z[0]!, index, n, path, rootN), `${index}/${n}`).to.equal(true);
      expect(verifyInclusion(z[0]!, index, n, path, rootAt(n - 1, getNode))).to.equal(false);
    }
  });

  it('lists at most 2·log2(n) nodes per proof and one per set bit for a root', () => {
    const n = 2 ** 53 - 1;
    expect(rootNodes(n)).to.have.length(53);
    expect(inclusionProofNodes(12345, n).length).to.be.at.most(2 * 53);
    expect(consistencyProofNodes(2 ** 40 + 3, n).length).to.be.at.most(2 * 53);
  });
});

describe('merkle: MerkleLog and its node store', () => {
  it('stores about 2n nodes: each complete subtree once', () => {
    const store = new MemoryNodeStore();
    const log = new MerkleLog(store);
    log.appendIds(ids(1000));
    // 1000 leaves + 500 + 250 + 125 + 62 + 31 + 15 + 7 + 3 + 1 complete subtrees.
    expect(store.nodeCount).to.equal(1000 + 500 + 250 + 125 + 62 + 31 + 15 + 7 + 3 + 1);
  });

  it('appends one at a time or in a batch to the same tree', () => {
    const all = ids(300);
    const one = new MerkleLog();
    for (const id of all) one.appendId(id);
    const batch = new MerkleLog();
    expect(batch.appendIds(all.slice(0, 100))).to.equal(0);
    expect(batch.appendIds(all.slice(100))).to.equal(100);
    expect(batch.size).to.equal(300);
    expect(toHex(batch.root())).to.equal(toHex(one.root()));
    expect(toHex(one.root())).to.equal(toHex(merkleRoot(all.map(leafHashOfId))));
    expect(toHex(one.leafHash(123))).to.equal(toHex(leafHashOfId(all[123]!)));
  });

  it('reopens from its store at any size and appends on', () => {
    const all = ids(700);
    const full = new MerkleLog();
    full.appendIds(all);
    for (const size of [0, 1, 255, 256, 257, 511, 512, 699]) {
      const store = new MemoryNodeStore();
      new MerkleLog(store).appendIds(all.slice(0, size));
      const reopened = new MerkleLog(store, size);
      expect(toHex(reopened.root()), `reopen at ${size}`).to.equal(toHex(full.root(size)));
      reopened.appendIds(all.slice(size));
      expect(toHex(reopened.root()), `append after ${size}`).to.equal(toHex(full.root()));
    }
  });

  it('refuses to open a store that lacks the frontier of the claimed size', () => {
    const store = new MemoryNodeStore();
    new MerkleLog(store).appendIds(ids(5));
    expect(() => new MerkleLog(store, 6)).to.throw(Error);
  });

  it('leaves the log unchanged when the store fails a batch', () => {
    const failing: NodeStore = {
      get: () => undefined,
      put: () => {
        throw new Error('disk full');
      },
    };
    const log = new MerkleLog(failing);
    expect(() => log.appendIds(ids(3))).to.throw('disk full');
    expect(log.size).to.equal(0);
    expect(toHex(log.root())).to.equal(toHex(EMPTY_TREE_ROOT));
  });

  it('rejects sizes beyond the log and malformed ids', () => {
    const log = new MerkleLog();
    log.appendIds(ids(10));
    expect(() => log.root(11)).to.throw(RangeError);
    expect(() => log.inclusionProof(0, 11)).to.throw(RangeError);
    expect(() => log.consistencyProof(3, 11)).to.throw(RangeError);
    expect(() => log.appendId(new Uint8Array(31))).to.throw(RangeError);
    expect(() => log.appendIds([new Uint8Array(32), 'x' as never])).to.throw(TypeError);
    expect(log.size).to.equal(10); // a bad batch appends nothing
  });

  it('rejects gaps in the memory store before writing any of the batch', () => {
    const store = new MemoryNodeStore();
    const hash = new Uint8Array(32);
    expect(() =>
      store.put([
        { level: 0, index: 0, hash },
        { level: 0, index: 2, hash },
      ]),
    ).to.throw(RangeError);
    expect(store.get(0, 0)).to.equal(undefined);
  });

  it('reads O(log n) nodes per root and proof, all inside the proven prefix', () => {
    const store = new CountingStore();
    const log = new MerkleLog(store);
    const n = 20_000;
    // Distinct synthetic leaf hashes: hashing 20k ids would only slow the test down.
    const leaves = Array.from({ length: n }, (_, i) =>
      new Uint8Array(32).fill(i & 0xff, 0, 16).fill(i >> 8, 16),
    );
    log.appendLeafHashes(leaves);
    const logN = Math.ceil(Math.log2(n));
    const inPrefix = (size: number) => (reads: [number, number][]) =>
      reads.every(([level, index]) => (index + 1) * 2 ** level <= size);

    const sizes = [1, 2, 3, 1000, 16_384, 16_385, 19_999, n];
    for (const size of sizes) {
      store.reads = [];
      log.root(size);
      expect(store.reads.length, `root(${size})`).to.be.at.most(logN + 1);
      expect(inPrefix(size)(store.reads)).to.equal(true);
      for (const index of [0, size >> 1, size - 1]) {
        store.reads = [];
        const proof = log.inclusionProof(index, size);
        expect(store.reads.length, `inclusion ${index}/${size}`).to.be.at.most(2 * logN);
        expect(inPrefix(size)(store.reads)).to.equal(true);
        expect(verifyInclusion(leaves[index]!, index, size, proof, log.root(size))).to.equal(true);
      }
      for (const m of [1, size >> 1, size - 1].filter((x) => x > 0)) {
        store.reads = [];
        const proof = log.consistencyProof(m, size);
        expect(store.reads.length, `consistency ${m}→${size}`).to.be.at.most(2 * logN + 1);
        expect(inPrefix(size)(store.reads)).to.equal(true);
        expect(verifyConsistency(m, size, proof, log.root(m), log.root(size))).to.equal(true);
      }
    }
  });

  it('builds proofs from a pre-fetched node list (for asynchronous stores)', () => {
    const store = new MemoryNodeStore();
    new MerkleLog(store).appendLeafHashes(REF_LEAVES.map(leafHash));
    // One batched query: only the listed nodes are available to the generator.
    const fetch = (nodes: NodeId[]): GetNode => {
      const got = new Map(
        nodes.map(({ level, index }) => [`${level}/${index}`, store.get(level, index)]),
      );
      return (level, index) => got.get(`${level}/${index}`);
    };
    for (const { index, size, proof } of REF_INCLUSION) {
      const getNode = fetch(inclusionProofNodes(index, size));
      expect(inclusionProof(index, size, getNode).map(toHex)).to.deep.equal(proof);
    }
    for (const { m, n, proof } of REF_CONSISTENCY) {
      const getNode = fetch(consistencyProofNodes(m, n));
      expect(consistencyProof(m, n, getNode).map(toHex)).to.deep.equal(proof);
    }
  });
});

describe('merkle: MerkleLog right-edge cache (current size)', () => {
  /** Distinct synthetic leaf hashes [from, from + count): no SHA-256 per leaf. */
  const synthetic = (count: number, from = 0) =>
    Array.from({ length: count }, (_, i) =>
      new Uint8Array(32).fill((from + i) & 0xff, 0, 16).fill((from + i) >> 8, 16),
    );
  /** The pure generators over a fresh store that never served a cached proof. */
  const pure = (leaves: Uint8Array[]) => {
    const store = new MemoryNodeStore();
    new MerkleLog(store).appendLeafHashes(leaves);
    const getNode: GetNode = (level, index) => store.get(level, index);
    return {
      inclusion: (index: number, size: number) => inclusionProof(index, size, getNode).map(toHex),
      consistency: (m: number, n: number) => consistencyProof(m, n, getNode).map(toHex),
    };
  };

  it('serves roots and proofs byte-equal to the pure functions, before and after appends', () => {
    // Random batches (empty ones too); after each, proofs at the current size are served
    // twice (the second time from the cache) and at past sizes once. A cache surviving an
    // append would hand out ranges of the old size: the next batch's checks catch it.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 6 }),
        fc.infiniteStream(fc.nat()),
        (batches, picks) => {
          const log = new MerkleLog();
          const leaves: Uint8Array[] = [];
          const pick = (below: number) => picks.next().value % below;
          for (const count of batches) {
            const batch = synthetic(count, leaves.length);
            log.appendLeafHashes(batch);
            leaves.push(...batch);
            const size = log.size;
            const ref = pure(leaves);
            for (let round = 0; round < 2; round++) {
              expect(toHex(log.root())).to.equal(toHex(merkleRoot(leaves)));
              if (size === 0) continue;
              for (const index of [0, size - 1, pick(size), pick(size)]) {
                expect(log.inclusionProof(index).map(toHex)).to.deep.equal(
                  ref.inclusion(index, size),
                );
              }
              for (const m of [1, size - 1, pick(size + 1), pick(size + 1)]) {
                expect(log.consistencyProof(m).map(toHex)).to.deep.equal(ref.consistency(m, size));
              }
            }
            // Past sizes, asked while the current size's edge is cached.
            const past = 1 + pick(size || 1);
            if (past <= size) {
              expect(toHex(log.root(past))).to.equal(toHex(merkleRoot(leaves.slice(0, past))));
              const index = pick(past);
              expect(log.inclusionProof(index, past).map(toHex)).to.deep.equal(
                ref.inclusion(index, past),
              );
              const m = pick(past + 1);
              expect(log.consistencyProof(m, past).map(toHex)).to.deep.equal(
                ref.consistency(m, past),
              );
            }
          }
        },
      ),
      { numRuns: 60, seed: 9162 },
    );
  });

  it('re-hashes the right edge once per size: a repeated proof reads no edge node', () => {
    const store = new CountingStore();
    const log = new MerkleLog(store);
    // 4095 = 0b1111_1111_1111: the right edge [2048, 4095) of leaf 0's path folds 11
    // complete subtrees; its other 11 elements are single nodes [2^i, 2^(i+1)).
    log.appendLeafHashes(synthetic(4095));
    const inEdge = (start: number, end: number) => (reads: [number, number][]) =>
      reads.filter(([level, index]) => index * 2 ** level >= start && index * 2 ** level < end);
    const ref = pure(synthetic(4095));

    store.reads = [];
    const first = log.inclusionProof(0);
    expect(store.reads).to.have.length(22);
    expect(inEdge(2048, 4095)(store.reads)).to.have.length(11);
    // Callers may mutate what they get: the cache hands out copies.
    first[11]!.fill(0);

    store.reads = [];
    expect(log.inclusionProof(0).map(toHex)).to.deep.equal(ref.inclusion(0, 4095));
    expect(store.reads).to.have.length(11);
    expect(inEdge(2048, 4095)(store.reads)).to.deep.equal([]);
    // The consistency proof of m = 1 shares that edge, and so does every index left of it.
    store.reads = [];
    expect(log.consistencyProof(1).map(toHex)).to.deep.equal(ref.consistency(1, 4095));
    expect(store.reads).to.have.length(11);
    store.reads = [];
    log.inclusionProof(1000);
    expect(store.reads).to.have.length(11);
    // A proof at a past size reads the store as before: 11 singles and the 10 subtrees
    // of its edge [2048, 4094), every time.
    for (let round = 0; round < 2; round++) {
      store.reads = [];
      expect(log.inclusionProof(0, 4094).map(toHex)).to.deep.equal(ref.inclusion(0, 4094));
      expect(store.reads).to.have.length(11 + 10);
    }

    // After an append the old edge is gone: 5119 = 0b1_0011_1111_1111, leaf 0's path is
    // 12 single nodes up to [2048, 4096) and the new edge [4096, 5119) of 10 subtrees.
    log.appendLeafHashes(synthetic(1024, 4095));
    const after = pure(synthetic(5119));
    for (const expected of [22, 12]) {
      store.reads = [];
      expect(log.inclusionProof(0).map(toHex)).to.deep.equal(after.inclusion(0, 5119));
      expect(store.reads).to.have.length(expected);
    }
  });

  it('computes the current root once per size and hands out copies', () => {
    const log = new MerkleLog();
    const leaves = synthetic(1000);
    log.appendLeafHashes(leaves);
    const root = log.root();
    root.fill(0);
    expect(toHex(log.root())).to.equal(toHex(merkleRoot(leaves)));
    expect(log.root()).to.not.equal(log.root()); // a fresh array each time
    log.appendLeafHashes(synthetic(1, 1000));
    expect(toHex(log.root())).to.equal(toHex(merkleRoot(synthetic(1001))));
    expect(toHex(log.root(1000))).to.equal(toHex(merkleRoot(leaves)));
  });
});
