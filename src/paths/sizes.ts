/**
 * The configurations, besides its default sizes, at which each scenario's path tests are generated:
 * error paths need sizes the defaults leave out (a mount whose fill_super fails after the lookup, a
 * dm table over two pmem devices whose load can fail on one member, a TLB flush without the IPI that
 * waits for GUP-fast walkers, where only GUP-fast's PTE re-check stops a pin of a truncated page).
 * Each entry changes only the sizes it names. Kept here, small, until scenarios declare a
 * configuration space of their own.
 */
export const EXTRA_SIZES: Readonly<Record<string, readonly Readonly<Record<string, number>>[]>> = {
  'pmem-partitions': [
    { partitions: 1, failures: 1 },
    { partitions: 1, dax_option: 1 },
  ],
  'dm-targets-one-pmem': [{ pmems: 2 }],
  'pmem-remove-mounted': [{ probe: 1 }],
  'nondax-mount-umount': [{ fstype: 2 }],
  'dma-truncate': [{ arch: 1 }],
};

/** A configuration's name in file names and test titles: `failures-1.partitions-1`. */
export function variantName(sizes: Readonly<Record<string, number>>): string {
  return Object.keys(sizes)
    .sort()
    .map((k) => `${k}-${sizes[k]}`)
    .join('.');
}
