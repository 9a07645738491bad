/**
 * The catalog of machines the docs describe: every machine some scenario composes, found by building
 * each scenario in each of its revisions, with the actors and scenarios that use it.
 */
import type { ActorKind, Scenario } from '../../machines/kit/types.ts';
import { readMachine, type MachineModel } from './machineModel.ts';

/** Revision key of a revision-independent scenario's build. */
export const ANY_REVISION = 'any';

/** Where a machine is used: one actor of one scenario. */
export interface Instance {
  readonly scenario: string;
  readonly actor: string;
  readonly kind: ActorKind;
  /** Environment events the actor takes (empty for objects that only react to calls). */
  readonly env: readonly string[];
  /** The revisions the scenario builds this actor in (ANY_REVISION for revision-independent scenarios). */
  readonly revisions: readonly string[];
}

export interface MachineEntry {
  readonly id: string;
  /** The machine as built for each revision it exists in, in REVISIONS order (or ANY_REVISION). */
  readonly builds: ReadonlyMap<string, MachineModel>;
  readonly instances: readonly Instance[];
  /** Scenarios that built a machine with this id differently from the first build of the same revision. */
  readonly variants: readonly string[];
}

/** Every machine the scenarios build, found by building each scenario in each of its revisions at default sizes. */
export interface Catalog {
  readonly revisions: readonly string[];
  readonly machines: readonly MachineEntry[];
}

const defaultSizes = (s: Scenario): Record<string, number> => Object.fromEntries(s.sizes.map((p) => [p.name, p.default]));

/**
 * The machines are found through the scenarios rather than through a list of
 * factories: a machine no scenario composes is not part of what is checked,
 * and a list of factories would be a second, hand-kept list of machines.
 */
export function buildCatalog(scenarios: readonly Scenario[], revisions: readonly string[]): Catalog {
  const entries = new Map<
    string,
    { builds: Map<string, MachineModel>; keys: Map<string, string>; instances: Instance[]; variants: Set<string> }
  >();
  for (const s of scenarios) {
    const revs = s.revisions.length ? revisions.filter((r) => s.revisions.includes(r)) : [ANY_REVISION];
    for (const rev of revs) {
      const decl = s.build(rev === ANY_REVISION ? undefined : rev, defaultSizes(s));
      for (const actor of decl.actors) {
        const id = actor.machine.id;
        let e = entries.get(id);
        if (!e) entries.set(id, (e = { builds: new Map(), keys: new Map(), instances: [], variants: new Set() }));
        const model = readMachine(actor.machine);
        // The rows say what the machine is; the chart they came from would only repeat them.
        const key = JSON.stringify({ ...model, chart: undefined });
        const seen = e.keys.get(rev);
        if (seen === undefined) {
          e.builds.set(rev, model);
          e.keys.set(rev, key);
        } else if (seen !== key) {
          e.variants.add(s.name);
        }
        const known = e.instances.find((i) => i.scenario === s.name && i.actor === actor.name);
        if (known) (known.revisions as string[]).push(rev);
        else
          e.instances.push({ scenario: s.name, actor: actor.name, kind: actor.kind, env: Object.keys(actor.env ?? {}), revisions: [rev] });
      }
    }
  }
  const order = [...revisions, ANY_REVISION];
  const machines = [...entries]
    // Code-point order: the same on every machine, whatever its locale.
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, e]): MachineEntry => ({
      id,
      builds: new Map([...e.builds].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))),
      instances: e.instances,
      variants: [...e.variants].sort(),
    }));
  return { revisions, machines };
}
