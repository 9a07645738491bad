/**
 * The one hash of state vectors every visited store uses (the memory, packed, shared and disk stores):
 * murmur3's per-word mix and finalizer over 32-bit words. One function, so that a state hashes the same
 * in every store and in the checkpoints that save their tables.
 */

/** A 32-bit hash of `words` key words read from `a` at `at` (murmur3's mix per word, then its finalizer). */
export function hashKey(a: Int32Array, at: number, words: number): number {
  let h = 0x9e3779b9 | 0;
  for (let i = 0; i < words; i++) {
    let k = Math.imul(a[at + i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
