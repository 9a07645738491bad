import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import type { Scenario, SystemDecl } from '../../machines/kit/types.ts';

/**
 * A user's module for `paths --model FILE`: what it exports, read as scenarios. A Scenario, a
 * SystemDecl, or a single XState machine (which becomes a system of one actor whose environment
 * events are every event its states take, without payload). Kept small and separate: the package
 * work (branch pkg) has the full loader for every command, which this one gives way to on merge.
 */
export async function loadModel(file: string): Promise<Scenario[]> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  const out: Scenario[] = [];
  const seen = new Set<unknown>();
  // named exports first: a default export that is also exported by name takes that name
  const entries = Object.entries(mod).sort(([a], [b]) => Number(a === 'default') - Number(b === 'default'));
  for (const [name, value] of entries) {
    if (seen.has(value)) continue;
    seen.add(value);
    const s = asScenario(name === 'default' ? undefined : name, value);
    if (s) out.push(s);
  }
  if (!out.length) throw new Error(`${file} exports no scenario, system (actors) or XState machine`);
  return out;
}

const isMachine = (v: unknown): v is AnyStateMachine =>
  !!v && typeof v === 'object' && 'root' in v && 'getInitialSnapshot' in v && 'transition' in v;

function asScenario(name: string | undefined, v: unknown): Scenario | undefined {
  if (!v || typeof v !== 'object') return undefined;
  if ('build' in v && 'name' in v) return v as Scenario;
  const one = (decl: SystemDecl, id: string): Scenario => ({
    name: name ?? id,
    description: id,
    revisions: [],
    sizes: [],
    build: () => decl,
  });
  if ('actors' in v) return one(v as SystemDecl, 'system');
  if (isMachine(v)) return one(singleMachine(v), v.id);
  return undefined;
}

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
