import { sendTo, type AnyActorRef, type EventObject } from 'xstate';

/*
 * How one machine calls another: `call(role, to, event)` and `reply(event)` build the
 * XState sendTo actions a machine names in its setup(), addressed by actor name; the
 * composer (src/compose) recognises the address (`addressOf`) and delivers the event in
 * the same step. The spec owns the vocabulary; the composer implements the delivery.
 */

/**
 * Actors of a system address each other by instance name. XState's pure
 * `transition` can only resolve string targets to children, so a call carries
 * an inert address object instead; the composer reads its name back from the
 * resolved `xstate.sendTo` action and delivers the event itself.
 */
export interface Address {
  readonly id: string;
  /** What the target is, for the report: `dax_device`, `dev_pagemap`. */
  readonly role: string;
  readonly null: boolean;
}

const ADDRESS = Symbol('daxspec.address');
const addresses = new Map<string, AnyActorRef>();

function address(id: string | null | undefined, role: string): AnyActorRef {
  const key = `${role}\u0000${id ?? ''}`;
  let ref = addresses.get(key);
  if (!ref) {
    const a: Address = { id: id ?? 'NULL', role, null: id == null };
    ref = { ...a, [ADDRESS]: a, sessionId: key, send() {}, toJSON: () => a } as unknown as AnyActorRef;
    addresses.set(key, ref);
  }
  return ref;
}

/** The address a resolved `xstate.sendTo` action points at, if it is one of ours. */
export function addressOf(target: unknown): Address | undefined {
  return target && typeof target === 'object' ? (target as { [ADDRESS]?: Address })[ADDRESS] : undefined;
}

/**
 * The one `any` of machines/: an action the spec's helpers build (call, reply, the shared scan steps of
 * layoutScan.ts) must fit the `actions` of every machine's setup(), whatever its context and event
 * types, and its expressions read that machine's context and event. XState's action type
 * (ActionFunction<TContext, TExpressionEvent, TEvent, TParams, TActor, TAction, TGuard, TDelay, TEmitted>)
 * is invariant in several of those parameters, so no single non-`any` type is assignable to every
 * setup()'s; a generic helper would need each call site to spell its machine's types. The composer
 * checks what these actions do at run time (purity.ts, actorTable.ts), so the looseness stays here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the comment above: the one place machines/ needs it
export type AnySetupValue = any;

type Args = { context: AnySetupValue; event: AnySetupValue };
/** An event with any payload: `{ type: 'put_dax', owner: 'fs0' }`. */
type Payload = EventObject & Record<string, unknown>;
type Expr<T> = T | ((args: Args) => T);
const resolve = <T>(e: Expr<T>, args: Args): T => (typeof e === 'function' ? (e as (a: Args) => T)(args) : e);

/**
 * Calls a kernel function on another actor: `call('dax_device', ({ context }) => context.dax, { type: 'put_dax' })`.
 * The target may be `null` (the kernel's "no DAX" is a NULL pointer); delivering to it is a NULL
 * dereference, reported with the role and event names. The event is delivered within the same step,
 * after the caller's transition, and the composer stamps it with `from`, the caller's name.
 */
export function call(role: string, to: Expr<string | null | undefined>, event: Expr<Payload>): AnySetupValue {
  return sendTo(
    (args: Args) => address(resolve(to, args), role),
    (args: Args) => resolve(event, args),
  );
}

/** Answers the actor whose call is being handled (the event's `from`). */
export function reply(event: Expr<Payload>): AnySetupValue {
  return sendTo(
    (args: Args) => address(args.event.from as string, 'caller'),
    (args: Args) => resolve(event, args),
  );
}

/** A delivered event always names its sender. */
export interface Delivered extends EventObject {
  readonly from?: string;
}
