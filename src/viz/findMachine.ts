/**
 * Finding the machine a user names on the command line (`SCENARIO[@REVISION]:ACTOR` or a bare machine
 * id) among the scenarios, built at default sizes.
 */
import { resolveRevision, resolveSizes } from '../check/check.ts';
import { InputError } from '../compose/errors.ts';
import type { ActorDecl, Scenario } from '../../machines/kit/types.ts';

export interface FoundMachine {
  /** `scenario@revision:actor`, the full name of where it was found. */
  readonly where: string;
  readonly actor: ActorDecl;
}

const full = (s: Scenario, rev: string | undefined, actor: string): string => `${s.name}${rev ? `@${rev}` : ''}:${actor}`;

/**
 * Finds the machine a user names. `SCENARIO[@REVISION]:ACTOR` names an actor of a scenario
 * (`kill-dax-readers@v6.15:pmem0.dax`, `percpu-ref:user0`); a bare machine id (`dax_device`) is the
 * first actor with that machine in the first scenario that has one. Without a revision, the
 * scenario's newest one (the last it lists) is used. Scenarios are built at their default sizes.
 */
export function findMachine(scenarios: readonly Scenario[], spec: string, revision?: string): FoundMachine {
  const m = /^([^:@]+)(?:@([^:]+))?:(.+)$/.exec(spec);
  const build = (s: Scenario, rev: string | undefined) => s.build(rev, resolveSizes(s, {}));
  const pick = (s: Scenario, rev?: string, given?: string): string | undefined =>
    resolveRevision(s, rev, given) ?? s.revisions[s.revisions.length - 1];
  if (m) {
    const [, name, rev, actorName] = m;
    const s = scenarios.find((x) => x.name === name);
    if (!s) throw new InputError('unknown-scenario', { name }, `unknown scenario '${name}' in ${spec}`);
    const r = pick(s, rev ?? revision, rev !== undefined ? spec : undefined);
    const actor = build(s, r).actors.find((a) => a.name === actorName);
    if (!actor)
      throw new InputError('unknown-actor', {
        scenario: s.name,
        revision: r,
        actor: actorName,
        actors: build(s, r).actors.map((a) => a.name),
      });
    return { where: full(s, r, actor.name), actor };
  }
  // A revision no scenario has is refused as one, not as a machine missing from the scenarios that have no revisions.
  const all = [...new Set(scenarios.flatMap((s) => s.revisions))];
  if (revision !== undefined && !all.includes(revision)) throw new InputError('unknown-revision', { revision, revisions: all });
  const ids = new Set<string>();
  for (const s of scenarios) {
    if (revision !== undefined && s.revisions.length && !s.revisions.includes(revision)) continue;
    const r = s.revisions.length ? (revision ?? s.revisions[s.revisions.length - 1]) : undefined;
    for (const a of build(s, r).actors) {
      if (a.machine.id === spec) return { where: full(s, r, a.name), actor: a };
      ids.add(a.machine.id);
    }
  }
  throw new InputError('unknown-machine', { spec, revision, ids: [...ids].sort() });
}
