/**
 * One XState machine as a system: what a user's module that exports a single machine (not a list of
 * scenarios) is read as, by `--model` and by the generated tests of such a module. The machine
 * becomes one code-path actor named by its id, offered every event type its states take, without
 * payload; there is no revision and there are no sizes. Deadlock and progress are not checked: a
 * lone machine has nobody to wait for.
 */
import type { AnyStateMachine } from 'xstate';
import type { Scenario, SystemDecl } from '../../machines/kit/types.ts';

/** True for a built XState machine (what `createMachine` / `setup().createMachine` return). */
export const isMachine = (v: unknown): v is AnyStateMachine =>
  !!v && typeof v === 'object' && 'root' in v && 'getInitialSnapshot' in v && 'transition' in v;

/** A single machine as a system: one code-path actor offered every event type its states take. */
export function singleMachine(machine: AnyStateMachine): SystemDecl {
  const types = new Set<string>();
  const visit = (node: AnyStateMachine['root']): void => {
    for (const t of node.transitions.keys()) if (t && !t.startsWith('xstate.') && t !== '*') types.add(t);
    for (const c of Object.values(node.states)) visit(c as AnyStateMachine['root']);
  };
  visit(machine.root);
  const env = Object.fromEntries([...types].sort().map((t) => [t, [{}]]));
  return { actors: [{ name: machine.id, machine, kind: 'path', env }], deadlock: false, progress: false };
}

/** The scenario of a single machine, named `name` (the export's name). */
export function machineScenario(name: string, machine: AnyStateMachine): Scenario {
  return {
    name,
    description: machine.config.description ?? `the machine ${machine.id}`,
    revisions: [],
    sizes: [],
    build: () => singleMachine(machine),
  };
}
