/**
 * Values in the Informal Trace Format (ITF) encoding: integers as `#bigint`, what JSON cannot hold as
 * `#unserializable`, tuples, sets and maps as tagged objects. Both the trace writer (itf.ts) and the
 * per-step call metadata (itfCalls.ts) encode with these, so they live below both.
 */

export function toItfValue(v: unknown): unknown {
  if (v === null || v === undefined) return { '#unserializable': 'null' };
  if (typeof v === 'number') return Number.isInteger(v) ? { '#bigint': String(v) } : { '#unserializable': String(v) };
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(toItfValue);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toItfValue(x)]));
  return { '#unserializable': String(v) };
}

export function fromItfValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromItfValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('#bigint' in o) return Number(o['#bigint']);
    if ('#unserializable' in o) return o['#unserializable'] === 'null' ? null : Number(o['#unserializable']);
    if ('#tup' in o) return (o['#tup'] as unknown[]).map(fromItfValue);
    if ('#set' in o) return (o['#set'] as unknown[]).map(fromItfValue);
    if ('#map' in o)
      return Object.fromEntries((o['#map'] as [unknown, unknown][]).map(([k, x]) => [String(fromItfValue(k)), fromItfValue(x)]));
    return Object.fromEntries(
      Object.entries(o)
        .filter(([k]) => k !== '#meta')
        .map(([k, x]) => [k, fromItfValue(x)]),
    );
  }
  return v;
}
