/**
 * The kernel anchors of states and transitions: `m(fn, src)` builds the `meta` every
 * transition carries (the kernel function it stands for and where that is read), and
 * `withStateMeta` gives each state of a built machine its kernel condition, function and
 * source: from the machine's table of state docs (`StateDocs`), else from its own
 * transitions. Reports, docs and the viewer read these fields; the composer never does.
 */

/** `{ fn, src }` for a state or transition's meta. */
export const m = (fn: string, src: string, extra: Record<string, unknown> = {}) => ({ fn, src, ...extra });

type Meta = { fn?: string; src?: string; condition?: string; [k: string]: unknown };

/**
 * What a state stands for in the kernel, as a machine's table gives it (docs/authoring.md): the kernel
 * condition that holds while the machine is in it, the function the code is in (a code path) or that
 * put the object there (an object), and where that was read. `fn` and `src` may be left out where the
 * state's first transition says them truly; `condition` never can.
 */
export interface StateDoc {
  readonly condition: string;
  readonly fn?: string;
  readonly src?: string;
}

/** A machine's state docs by dotted state path (`mem.online.ready`); built per revision where they differ. */
export type StateDocs = Readonly<Record<string, StateDoc>>;

/** The parts of an XState state node this walk reads and writes (XState's own StateNode has them all). */
interface MetaNode {
  meta?: unknown;
  readonly transitions: ReadonlyMap<string, readonly { readonly meta?: unknown }[]>;
  readonly always?: readonly { readonly meta?: unknown }[];
  readonly states: Readonly<Record<string, MetaNode>>;
}

/**
 * Gives every state of a built machine a `meta` with `condition`, `fn` and `src`: meta written on the
 * state wins, then the machine's `docs` table, then its first transition that says (a state stands in
 * the kernel function its own transitions belong to); `src` falls back to the machine's source file.
 * A table entry naming no state of the machine is a mistake in the machine, not a doc: it throws, so a
 * renamed state cannot leave its doc behind. Runs once per factory call, on the machine's own state nodes.
 */
export function withStateMeta<M extends { root: unknown }>(machine: M, src: string, docs: StateDocs = {}): M {
  const used = new Set<string>();
  const visit = (node: MetaNode, path: string): void => {
    const ts = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
    const first = ts.find((t) => t?.meta)?.meta as Meta | undefined;
    const doc = path ? docs[path] : undefined;
    if (doc) used.add(path);
    const meta: Meta = { ...((node.meta as Meta | undefined) ?? {}) };
    if (!meta.condition && doc?.condition) meta.condition = doc.condition;
    if (!meta.src) meta.src = doc?.src ?? first?.src ?? src;
    if (!meta.fn) {
      const fn = doc?.fn ?? first?.fn;
      if (fn) meta.fn = fn;
    }
    node.meta = meta;
    for (const [key, child] of Object.entries(node.states)) visit(child, path ? `${path}.${key}` : key);
  };
  visit(machine.root as MetaNode, '');
  const unknown = Object.keys(docs).filter((p) => !used.has(p));
  if (unknown.length) throw new Error(`state docs name no state of the machine: ${unknown.join(', ')}`);
  return machine;
}
