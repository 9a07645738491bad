import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyStateMachine } from 'xstate';
import { SCENARIOS } from '../src/registry.ts';

/**
 * Every guard and action of every machine of every scenario, in every revision, is named in
 * its machine's setup() (or is a higher-order guard over named ones), so exports, docs and
 * the viewer can name each. An inline function here would show as "inline guard" / "sendTo".
 */
interface Node {
  readonly id: string;
  readonly transitions: ReadonlyMap<string, readonly Transition[]>;
  readonly always?: readonly Transition[];
  readonly entry: readonly unknown[];
  readonly exit: readonly unknown[];
  readonly states: Readonly<Record<string, Node>>;
}
interface Transition {
  readonly eventType: string;
  readonly guard?: unknown;
  readonly actions: readonly unknown[];
}

const named = (g: unknown): boolean =>
  typeof g === 'string' ||
  (typeof g === 'object' && g !== null && typeof (g as { type?: unknown }).type === 'string' && typeof g !== 'function');
/** Higher-order guards (not, and, or) are functions XState tags with a `guards` list of their operands. */
const namedGuard = (g: unknown): boolean =>
  g === undefined ||
  named(g) ||
  (typeof g === 'function' &&
    Array.isArray((g as { guards?: unknown[] }).guards) &&
    (g as unknown as { guards: unknown[] }).guards.every(namedGuard));

function inlineParts(machine: AnyStateMachine): string[] {
  const bad: string[] = [];
  const visit = (node: Node): void => {
    const ts = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
    for (const t of ts) {
      if (!namedGuard(t.guard)) bad.push(`${node.id} ${t.eventType || 'always'}: inline guard`);
      for (const a of t.actions) if (!named(a)) bad.push(`${node.id} ${t.eventType || 'always'}: inline action`);
    }
    for (const a of [...node.entry, ...node.exit]) if (!named(a)) bad.push(`${node.id}: inline entry/exit action`);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root as unknown as Node);
  return bad;
}

test('every guard and action of the machines is named', () => {
  const bad = new Set<string>();
  let machines = 0;
  for (const s of SCENARIOS) {
    for (const rev of s.revisions.length ? s.revisions : [undefined]) {
      const sizes = Object.fromEntries(s.sizes.map((z) => [z.name, z.default]));
      for (const a of s.build(rev, sizes).actors) {
        machines++;
        for (const b of inlineParts(a.machine)) bad.add(`${a.machine.id}${rev ? ` @ ${rev}` : ''}: ${b}`);
      }
    }
  }
  assert.ok(machines > 100, `walked ${machines} actor machines`);
  assert.equal([...bad], []);
});

test('the walk sees an inline guard and an inline action', async () => {
  const { setup, assign } = await import('xstate');
  const m = setup({}).createMachine({
    initial: 'a',
    states: { a: { on: { go: { guard: () => true, actions: assign({}), target: 'b' } } }, b: {} },
  });
  assert.equal(inlineParts(m).length, 2);
});

test.run();
