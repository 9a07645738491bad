/**
 * The one name every reader gives a transition definition (state id, event, position), so that what the
 * checker records as fired is what diagrams light and exports name.
 */
import type { AnyStateNode } from 'xstate';

/**
 * A name for one transition definition of a machine that every reader computes alike: the id of the
 * state that declares it, the event it is declared on (`always` for an eventless one) and its position
 * among that state's transitions for that event: `page.busy:put:1`, `pmem.remove:always:0`.
 * The checker records taken transitions by this id; diagrams and exports find them by it, so what a
 * trace says fired is exactly what a picture lights.
 */
export function transitionId(sourceId: string, eventType: string, position: number): string {
  return `${sourceId}:${eventType === '' ? 'always' : eventType}:${position}`;
}

/** The id of a transition definition as XState holds it (`t.source`, `t.eventType`). */
export function idOfTransition(t: { readonly source: AnyStateNode; readonly eventType: string }): string {
  const list = (t.eventType === '' ? t.source.always : t.source.transitions.get(t.eventType)) as readonly unknown[] | undefined;
  const position = list ? list.indexOf(t) : -1;
  return transitionId(t.source.id, t.eventType, position);
}
