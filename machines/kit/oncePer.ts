/**
 * Machine factories that build each machine once per argument list. A factory's machine depends on its arguments
 * alone (the revision, a shape), so two calls with the same arguments may share one machine object, as XState
 * means machines to be shared by actors. Sharing is what lets the checker keep what XState answered for a
 * machine across the configurations of a bug-matrix cell: its cache is keyed by the machine object
 * (src/compose/transitionCache.ts), and every configuration builds its system afresh.
 */

/** What a factory may be called with: values that JSON writes faithfully, so equal keys mean equal arguments. */
export type FactoryArgument = string | number | boolean | undefined | { readonly [k: string]: string | number | boolean | undefined };

/**
 * `make`, remembering what it returned for each argument list while something else still holds it. Arguments are
 * keyed by their JSON with object keys sorted, and an undefined argument or field is kept apart from a missing
 * one: two lists share a machine only when no factory could tell them apart (`f(rev)` and `f(rev, {})` get a
 * machine each, which costs a cache miss only). The memo holds its machines weakly: a cell's cache holds the
 * machines of its configurations, and once the matrix moves on they are collected (held strongly, every machine
 * of every revision stayed to the end of `check --all`, 46 MB more at its peak).
 */
export function oncePer<A extends readonly FactoryArgument[], R extends object>(make: (...args: A) => R): (...args: A) => R {
  const made = new Map<string, WeakRef<R>>();
  const gone = new FinalizationRegistry<string>((key) => {
    if (made.get(key)?.deref() === undefined) made.delete(key);
  });
  return (...args: A): R => {
    const key = argumentsKey(args);
    let m = made.get(key)?.deref();
    if (m === undefined) {
      m = make(...args);
      made.set(key, new WeakRef(m));
      gone.register(m, key);
    }
    return m;
  };
}

function argumentsKey(args: readonly FactoryArgument[]): string {
  const parts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === undefined) parts.push('u');
    else if (typeof a !== 'object') parts.push(JSON.stringify(a));
    else
      parts.push(
        '{' +
          Object.keys(a)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${a[k] === undefined ? 'u' : JSON.stringify(a[k])}`)
            .join(',') +
          '}',
      );
  }
  return parts.join(',');
}
