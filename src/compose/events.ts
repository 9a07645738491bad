/**
 * Events of a composed system: canonical JSON (equal values serialize alike), the per-system event table that
 * interns events to small integers for the memo tables, and the way an event is printed for a kernel reader.
 */
import type { EventObject } from 'xstate';

/** Canonical JSON: object keys sorted, so equal values serialize alike whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (value[i] === undefined ? 'null' : canonicalJson(value[i]));
    return out + ']';
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function') continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

/**
 * Events of one system, interned to small integers so that memo tables and the
 * product loop key on numbers rather than on objects.
 */
export class EventTable {
  readonly events: EventObject[] = [];
  private readonly ids = new Map<string, number>();
  /** Each event's canonical key, by id. */
  private readonly keys: string[] = [];

  intern(event: EventObject): number {
    return this.internKeyed(canonicalJson(event), event);
  }

  /** Interns `event`, whose canonical JSON is `key` (a caller that keeps keys saves making it again). */
  internKeyed(key: string, event: EventObject): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.events.length;
      this.events.push(Object.freeze({ ...event }));
      this.keys.push(key);
      this.ids.set(key, id);
    }
    return id;
  }

  get(id: number): EventObject {
    return this.events[id];
  }

  /** The canonical key of event `id`. */
  keyOf(id: number): string {
    return this.keys[id];
  }
}

/** `fs_dax_release(from: fs0, owner: 1)`: an event as a reader of the kernel expects to see it. */
export function formatEvent(event: EventObject, withSender = false): string {
  const args = Object.entries(event)
    .filter(([k]) => k !== 'type' && (withSender || k !== 'from'))
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return args.length ? `${event.type}(${args.join(', ')})` : event.type;
}
