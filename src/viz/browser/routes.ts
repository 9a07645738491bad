import type { SiteData } from '../siteData.ts';

/**
 * The site's addresses, by name so that a link still means the same after the site is rebuilt:
 * `#/system/pmem-remove-pinned@v5.10`, `#/machine/pmem-remove-pinned@v5.10/pmem0`,
 * `#/trace/pmem-remove-pinned@v5.10/deadlock/11` (the step follows the player), `#/player`,
 * `#/search/<text>`. A segment escapes only what would split it (`/`, `%`, `#`, `?`, spaces).
 */
export type Route =
  | { readonly kind: 'matrix' }
  | { readonly kind: 'system'; readonly system: number }
  | { readonly kind: 'machine'; readonly machine: number; readonly system?: number; readonly actor?: string }
  | { readonly kind: 'trace'; readonly trace: number; readonly step: number }
  | { readonly kind: 'player' }
  | { readonly kind: 'search'; readonly query: string }
  | { readonly kind: 'missing'; readonly what: string };

const seg = (s: string): string => s.replace(/[%/#?\s]/g, (c) => encodeURIComponent(c));

export const systemHref = (data: SiteData, system: number): string => `#/system/${seg(data.systems[system].key)}`;
export const machineHref = (data: SiteData, system: number, actor: string): string =>
  `#/machine/${seg(data.systems[system].key)}/${seg(actor)}`;

/** A machine variant's address: the first actor that uses it. */
export function machineVariantHref(data: SiteData, machine: number): string {
  const first = data.machines[machine].usedBy[0];
  const at = first.lastIndexOf(':');
  const system = data.systems.findIndex((s) => s.key === first.slice(0, at));
  return system < 0 ? '#/' : machineHref(data, system, first.slice(at + 1));
}

export function traceHref(data: SiteData, trace: number, step?: number): string {
  const t = data.traces[trace];
  return `#/trace/${seg(data.systems[t.system].key)}/${seg(t.slug)}${step === undefined ? '' : `/${step}`}`;
}

export function parseRoute(data: SiteData, hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [kind, a, b, c] = parts;
  const system = (key: string | undefined): number => data.systems.findIndex((s) => s.key === key);
  switch (kind) {
    case '':
    case undefined:
      return { kind: 'matrix' };
    case 'player':
      return { kind: 'player' };
    case 'search':
      return { kind: 'search', query: parts.slice(1).join('/') };
    case 'system': {
      const s = system(a);
      return s < 0 ? { kind: 'missing', what: `system ${a}` } : { kind: 'system', system: s };
    }
    case 'machine': {
      const s = system(a);
      const actor = s < 0 ? undefined : data.systems[s].actors.find((x) => x.name === b);
      return actor
        ? { kind: 'machine', machine: actor.machine, system: s, actor: actor.name }
        : { kind: 'missing', what: `machine ${a}/${b ?? ''}` };
    }
    case 'trace': {
      const s = system(a);
      const t = data.traces.findIndex((x) => x.system === s && x.slug === b);
      const step = Number(c ?? 0);
      return t < 0
        ? { kind: 'missing', what: `counterexample ${a}/${b ?? ''}` }
        : { kind: 'trace', trace: t, step: Number.isInteger(step) && step >= 0 ? step : 0 };
    }
    default:
      return { kind: 'missing', what: hash };
  }
}
