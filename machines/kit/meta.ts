/**
 * The kernel anchors of states and transitions: `m(fn, src)` builds the `meta` every
 * transition carries (the kernel function it stands for and where that is read), and
 * `withStateMeta` gives each state of a built machine the same anchor from its own
 * transitions. Reports, docs and the viewer read these fields; the composer never does.
 */

/** `{ fn, src }` for a state or transition's meta. */
export const m = (fn: string, src: string, extra: Record<string, unknown> = {}) => ({ fn, src, ...extra });

type Meta = { fn?: string; src?: string; [k: string]: unknown };

/** The parts of an XState state node this walk reads and writes (XState's own StateNode has them all). */
interface MetaNode {
  meta?: unknown;
  readonly transitions: ReadonlyMap<string, readonly { readonly meta?: unknown }[]>;
  readonly always?: readonly { readonly meta?: unknown }[];
  readonly states: Readonly<Record<string, MetaNode>>;
}

/**
 * Gives every state of a built machine a `meta` with `src` (and `fn` where it has none):
 * a state stands in the kernel function its own transitions belong to, so both come from
 * its first transition that says; `src` falls back to the machine's source file. Meta
 * written on a state wins. Runs once per factory call, on the machine's own state nodes.
 */
export function withStateMeta<M extends { root: unknown }>(machine: M, src: string): M {
  const visit = (node: MetaNode): void => {
    const ts = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
    const first = ts.find((t) => t?.meta)?.meta as Meta | undefined;
    const meta: Meta = { ...((node.meta as Meta | undefined) ?? {}) };
    if (!meta.src) meta.src = first?.src ?? src;
    if (!meta.fn && first?.fn) meta.fn = first.fn;
    node.meta = meta;
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root as MetaNode);
  return machine;
}
