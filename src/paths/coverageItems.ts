import type { AnyActorScope, AnyStateMachine, AnyStateNode, EventObject } from 'xstate';
import type { ActorTable } from '../compose/actorTable.ts';
import { activeNodes, inertScope, initialIn, transitionIn } from '../compose/xstateInternals.ts';
import type { System } from '../compose/system.ts';
import { partitionsOf } from '../../machines/kit/partitions.ts';

/**
 * What path coverage counts, per machine: its state nodes, and its transitions, a transition being
 * (machine, source state node, event type, branch, targets). The branch (the index among the source's
 * transitions for that event) keeps apart guarded alternatives with the same target, such as a
 * tryget that succeeds and one that is refused: covering one says nothing about the other.
 */
export interface CoverageItem {
  readonly kind: CoverageKind;
  readonly machine: string;
  /** Stable key: `state dax_device.alive`, `transition dax_device.alive put_dax#1 -> dax_device.freed`. */
  readonly key: string;
  /** As a reader sees it: `alive`, `alive --put_dax[1]--> freed`. */
  readonly label: string;
}

/**
 * What a coverage item counts: a state node, a transition, one outcome of a guarded transition's
 * guard, one block of a context partition the machine declares (machines/kit/partitions.ts), a
 * transition pair (two transitions one actor takes one after the other: src/paths/transitionPairs.ts),
 * or a wait: an actor in a state where the spec blocks one of its steps (the kernel sleeps there).
 */
export type CoverageKind = 'state' | 'transition' | 'guard' | 'partition' | 'pair' | 'wait';

const ALWAYS = 'always';

function nodeLabel(machine: string, id: string): string {
  return id.startsWith(`${machine}.`) ? id.slice(machine.length + 1) : id === machine ? '(root)' : id;
}

interface TransitionLike {
  readonly source: AnyStateNode;
  readonly target?: readonly AnyStateNode[];
  readonly eventType: string;
  readonly guard?: unknown;
}

function siblingsOf(t: TransitionLike): readonly TransitionLike[] {
  return ((t.eventType ? t.source.transitions.get(t.eventType) : t.source.always) ?? []) as TransitionLike[];
}

function guardName(g: unknown): string {
  if (typeof g === 'string') return g;
  if (typeof g === 'function') return g.name || 'inline';
  if (g && typeof g === 'object' && 'type' in g) return String((g as { type: unknown }).type);
  return 'guard';
}

/**
 * One outcome of the guard of a guarded transition: true when the transition is taken, false when a
 * later-listed alternative from the same source for the same event is taken (XState tries the
 * candidates in order and stops at the first whose guard holds, so the earlier guards were false).
 * When every guard fails the step blocks (the kernel sleeps): that is a wait, not a step of a path,
 * so a guard's false outcome counts only where an alternative runs.
 */
export function guardItem(machine: string, t: TransitionLike, outcome: boolean): CoverageItem {
  const event = t.eventType || ALWAYS;
  const branch = branchOf(t);
  const name = guardName(t.guard);
  return {
    kind: 'guard',
    machine,
    key: `guard ${t.source.id} ${event}#${branch} ${name} ${outcome}`,
    label: `${nodeLabel(machine, t.source.id)} --${event}${branch ? `[${branch}]` : ''}--> [${name}] ${outcome}`,
  };
}

function branchOf(t: TransitionLike): number {
  const list = t.eventType ? t.source.transitions.get(t.eventType) : t.source.always;
  const i = list ? (list as TransitionLike[]).indexOf(t) : -1;
  return i < 0 ? 0 : i;
}

export function transitionItem(machine: string, t: TransitionLike): CoverageItem {
  const event = t.eventType || ALWAYS;
  const branch = branchOf(t);
  const targets = t.target?.length ? t.target.map((n) => n.id) : [];
  const to = targets.length ? targets.join(',') : '(stays)';
  const from = t.source.id;
  return {
    kind: 'transition',
    machine,
    key: `transition ${from} ${event}#${branch} -> ${to}`,
    label: `${nodeLabel(machine, from)} --${event}${branch ? `[${branch}]` : ''}--> ${targets.length ? targets.map((x) => nodeLabel(machine, x)).join(',') : '(stays)'}`,
  };
}

export function stateItem(machine: string, node: AnyStateNode): CoverageItem {
  return { kind: 'state', machine, key: `state ${node.id}`, label: nodeLabel(machine, node.id) };
}

/** One block of one of a machine's context partitions: `partition page refs=many`. */
export function partitionItem(machine: string, partition: string, block: string): CoverageItem {
  return { kind: 'partition', machine, key: `partition ${machine} ${partition}=${block}`, label: `${partition}=${block}` };
}

/**
 * A wait: an actor of `machine` in the state `value` (its state value, as JSON) whose step `event`
 * the spec blocks there (a grace period with readers inside, a lock another holds). A path that
 * reaches it lets the implementation be asked whether it sleeps there too (src/paths/adapter.ts).
 */
export function waitItem(machine: string, value: string, event: string): CoverageItem {
  return { kind: 'wait', machine, key: `wait ${machine} ${value} ${event}`, label: `${value} waits at ${event}` };
}

/** A transition pair: `t1` then `t2`, both transitions (interned items) of one actor of `machine`. */
export function pairItem(machine: string, t1: CoverageItem, t2: CoverageItem): CoverageItem {
  return { kind: 'pair', machine, key: `pair ${t1.key} ; ${t2.key}`, label: `${t1.label} ; ${t2.label}` };
}

/**
 * Every state node, transition, guard outcome and partition block a machine defines, reachable or
 * not, in document order (pairs are counted apart: coverageReport's definedPairs).
 */
export function definedItems(machine: AnyStateMachine): CoverageItem[] {
  const out: CoverageItem[] = [];
  const visit = (node: AnyStateNode): void => {
    if (node.type === 'history') return;
    if (node !== machine.root) out.push(stateItem(machine.id, node));
    const all = [...[...node.transitions.values()].flat(), ...(node.always ?? [])] as TransitionLike[];
    for (const t of all) out.push(transitionItem(machine.id, t));
    for (const t of all) if (t.guard) out.push(guardItem(machine.id, t, true), guardItem(machine.id, t, false));
    for (const child of Object.values(node.states)) visit(child as AnyStateNode);
  };
  visit(machine.root);
  for (const p of partitionsOf(machine)) for (const b of p.blocks) out.push(partitionItem(machine.id, p.name, b));
  return out;
}

/**
 * Interns coverage items to small integers and tells, for a delivery of an event to an actor state,
 * which transitions ran (every microstep, the eventless ones included) and which state nodes the
 * actor is in afterwards. XState's `_transitions` are read from the microstep inspection events of
 * a private, inert scope: the compose layer keeps only transition sources, and a transition without
 * its target is not what we count.
 */
export class CoverageIndex {
  readonly items: CoverageItem[] = [];
  private readonly ids = new Map<string, number>();
  private readonly scopes = new Map<AnyStateMachine, { scope: AnyActorScope; taken: (readonly TransitionLike[])[] }>();
  private readonly transitionMemo: Map<number, readonly number[]>[] = [];
  private readonly sequenceMemo: Map<number, readonly number[]>[] = [];
  private readonly nodeMemo: (readonly number[] | undefined)[][] = [];

  constructor(private readonly system: System) {
    system.actors.forEach((_, a) => {
      this.transitionMemo[a] = new Map();
      this.sequenceMemo[a] = new Map();
      this.nodeMemo[a] = [];
    });
  }

  intern(item: CoverageItem): number {
    let id = this.ids.get(item.key);
    if (id === undefined) {
      id = this.items.length;
      this.items.push(item);
      this.ids.set(item.key, id);
    }
    return id;
  }

  /** Items of the initial system state: every actor's initial nodes and the eventless transitions that got it there. */
  initialItems(): number[] {
    const out = new Set<number>();
    this.system.actors.forEach((t, a) => {
      for (const i of this.nodes(a, t.initial)) out.add(i);
      const { scope, taken } = this.scopeOf(t);
      taken.length = 0;
      initialIn(t.machine, scope, t.decl.input);
      for (const list of taken) {
        for (const tr of list) {
          out.add(this.intern(transitionItem(t.machine.id, tr)));
          if (tr.source !== t.machine.root) out.add(this.intern(stateItem(t.machine.id, tr.source)));
        }
      }
    });
    return [...out].sort((x, y) => x - y);
  }

  /** Transitions actor `a` takes for interned event `event` in its snapshot `before`. */
  transitions(a: number, before: number, event: number): readonly number[] {
    const key = before * 1_048_576 + event; // event ids stay far below 2^20 in any system we can explore
    const memo = this.transitionMemo[a];
    let ids = memo.get(key);
    if (!ids) {
      const t = this.system.actors[a];
      const { scope, taken } = this.scopeOf(t);
      taken.length = 0;
      transitionIn(t.machine, scope, t.snapshot(before), this.system.events.get(event));
      const set = new Set<number>();
      const sequence: number[] = [];
      for (const list of taken) {
        for (const tr of list) {
          const id = this.intern(transitionItem(t.machine.id, tr));
          set.add(id);
          sequence.push(id);
          if (tr.guard) set.add(this.intern(guardItem(t.machine.id, tr, true)));
          // the guarded candidates listed before the taken one were evaluated false
          for (const sib of siblingsOf(tr)) {
            if (sib === tr) break;
            if (sib.guard) set.add(this.intern(guardItem(t.machine.id, sib, false)));
          }
          // a transient state (left at once by an eventless transition) is reached though never at rest
          if (tr.source !== t.machine.root) set.add(this.intern(stateItem(t.machine.id, tr.source)));
        }
      }
      ids = [...set];
      memo.set(key, ids);
      this.sequenceMemo[a].set(key, sequence);
    }
    return ids;
  }

  /** The transitions of that delivery in the order XState took them (microstep by microstep). */
  sequence(a: number, before: number, event: number): readonly number[] {
    this.transitions(a, before, event);
    return this.sequenceMemo[a].get(before * 1_048_576 + event)!;
  }

  /**
   * State nodes actor `a` is in at snapshot `id` (all active nodes, not only leaves), and the block
   * its context is in for each partition its machine declares.
   */
  nodes(a: number, id: number): readonly number[] {
    const memo = this.nodeMemo[a];
    let ids = memo[id];
    if (!ids) {
      const t = this.system.actors[a];
      const snapshot = t.snapshot(id);
      const list = activeNodes(snapshot)
        .filter((n) => n !== t.machine.root)
        .map((n) => this.intern(stateItem(t.machine.id, n)));
      for (const p of partitionsOf(t.machine)) list.push(this.intern(partitionItem(t.machine.id, p.name, p.of(snapshot.context))));
      memo[id] = ids = list;
    }
    return ids;
  }

  private scopeOf(t: ActorTable): { scope: AnyActorScope; taken: (readonly TransitionLike[])[] } {
    let entry = this.scopes.get(t.machine);
    if (!entry) {
      const taken: (readonly TransitionLike[])[] = [];
      const scope = inertScope(t.machine, t.decl.input, { execute: () => {}, microstep: (list) => taken.push(list) });
      entry = { scope, taken };
      this.scopes.set(t.machine, entry);
    }
    return entry;
  }
}

/** The event as a test writes it: without the `from` the composer stamps on delivered calls. */
export function plainEvent(e: EventObject): EventObject {
  const { from: _from, ...rest } = e as EventObject & { from?: string };
  return rest as EventObject;
}
