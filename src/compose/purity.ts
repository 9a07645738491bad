/**
 * The purity rules a machine must keep to be explored faithfully: no timers or invocations in its definition,
 * no side-effect actions when it runs, plain data in its context.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { ModelError } from './errors.ts';

/**
 * Refuses machines the checker cannot explore faithfully: timers (`after`) and
 * invocations make behaviour depend on something other than the events the
 * environment offers.
 */
export function assertStaticallyPure(actor: string, machine: AnyStateMachine): void {
  // A machine is the same machine for every actor it is built for (machines/kit/oncePer.ts): walked once.
  if (staticallyPure.has(machine)) return;
  const visit = (node: AnyStateNode): void => {
    if (node.after.length > 0) {
      throw new ModelError('not-untimed', { actor, state: node.id, uses: 'after' });
    }
    if (node.invoke.length > 0) {
      throw new ModelError('not-untimed', { actor, state: node.id, uses: 'invoke', src: String(node.invoke[0].src) });
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  staticallyPure.add(machine);
}

/** Machines already walked and found free of timers and invocations. */
const staticallyPure = new WeakSet<AnyStateMachine>();

/** Built-in XState actions that have no effect outside the snapshot (or are routed by the composer). */
const ALLOWED_ACTIONS = new Set(['xstate.sendTo', 'xstate.raise', 'xstate.log', 'xstate.cancel']);

/** Refuses an executed action that would be a side effect. */
export function assertPureAction(actor: string, action: { type: string; params?: unknown }): void {
  if (!ALLOWED_ACTIONS.has(action.type)) {
    throw new ModelError('side-effect', { actor, action: action.type });
  }
  const delay = (action.params as { delay?: unknown } | undefined)?.delay;
  if (delay !== undefined) {
    throw new ModelError('delayed-action', { actor, action: action.type });
  }
}

/**
 * Whether `value` is plain data as `assertPlainData` means it, so that its canonical JSON names it: nothing dropped
 * (undefined, a function, an array's hole) and nothing flattened (a Set, a Map, a class instance all write `{}`).
 */
export function isPlainData(value: unknown): boolean {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainData(value[i])) return false;
    return true;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(isPlainData);
  return false;
}

/** Context must be plain data: it is part of a state's identity, compared as JSON. */
export function assertPlainData(actor: string, value: unknown, path = 'context'): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ModelError('impure-context', { actor, path, holds: `is ${value}` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertPlainData(actor, v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) assertPlainData(actor, v, `${path}.${k}`);
    return;
  }
  const kind = typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value;
  throw new ModelError('impure-context', { actor, path, holds: `holds a ${kind}` });
}
