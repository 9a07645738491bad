/**
 * A step commits the violation state it enters, with what that state declares. The page machine has two
 * parallel regions, its memory lifecycle and the WARNs printed about it; a step's violation was read from the
 * whole snapshot: the last violation-tagged state in it, the nearest `violates` of any active state and the
 * `warn` tag of any. So once a WARN had fired, every later step of the page committed that WARN again, and a
 * refcount underflow entered in the other region was reported as the WARN, going on (a WARN continues) and
 * breaking I3 (the underflow's). Here a machine of the same shape is stepped through both.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setup } from 'xstate';
import type { SystemDecl } from '../machines/kit/types.ts';
import { STEP_OK } from '../src/compose/stepLabel.ts';
import { System } from '../src/compose/system.ts';

const meta = (fn: string, more: Record<string, string> = {}) => ({ fn, src: 'test', ...more });

/** A page in miniature: `warn` fires a WARN and stays there; `drop` then underflows the count in the other region. */
function page() {
  return setup({}).createMachine({
    id: 'page',
    type: 'parallel',
    states: {
      mem: {
        initial: 'held',
        states: {
          held: { meta: meta('held'), on: { drop: { target: 'underflow', meta: meta('put_page') }, touch: { meta: meta('touch') } } },
          underflow: {
            tags: ['violation'],
            description: 'refcount underflow',
            meta: meta('__put_page', { violates: 'I3', severity: 'corruption' }),
          },
        },
      },
      warn: {
        initial: 'quiet',
        states: {
          quiet: { meta: meta('quiet'), on: { warn: { target: 'warned', meta: meta('dax_associate_entry') } } },
          warned: {
            tags: ['violation', 'warn'],
            description: 'WARN_ON_ONCE fired',
            meta: meta('dax_associate_entry', { severity: 'warn' }),
          },
        },
      },
    },
  });
}

function decl(): SystemDecl {
  return { actors: [{ name: 'page0', machine: page(), kind: 'object', env: { warn: [{}], touch: [{}], drop: [{}] } }], deadlock: false };
}

/** The offer index of event `type` for actor 0 in state `state`. */
function offer(system: System, state: Int32Array, type: string): number {
  const offers = system.actors[0].offers(state[0]);
  const o = offers.findIndex((d) => system.events.get(d.event).type === type);
  assert.ok(o >= 0, `${type} is offered`);
  return o;
}

test('a WARN is committed by the step that fires it, not by every later step', () => {
  const system = new System(decl());
  const s = system.initial.slice();
  const warned = system.step(s, 0, offer(system, s, 'warn'));
  assert.is.not(warned, STEP_OK);
  const w = system.violation(warned);
  assert.is(w.text, 'WARN_ON_ONCE fired');
  assert.ok(w.continues, 'the kernel goes on after a WARN');
  assert.is(w.property, 'kernel-failure', 'a WARN declares no invariant');
  assert.is(system.step(s, 0, offer(system, s, 'touch')), STEP_OK, 'a step in the warned page commits nothing');
});

test('after a WARN, the underflow a step enters is the violation: its text, its invariant, and no going on', () => {
  const system = new System(decl());
  const s = system.initial.slice();
  system.step(s, 0, offer(system, s, 'warn'));
  const code = system.step(s, 0, offer(system, s, 'drop'));
  assert.is.not(code, STEP_OK);
  const v = system.violation(code);
  assert.is(v.text, 'refcount underflow');
  assert.is(v.property, 'I3');
  assert.is(v.severity, 'corruption');
  assert.not.ok(v.continues, 'an underflow is not a WARN: the run stops there');
});

test('the same underflow without a WARN before it is the same violation', () => {
  const system = new System(decl());
  const s = system.initial.slice();
  const code = system.step(s, 0, offer(system, s, 'drop'));
  const v = system.violation(code);
  assert.is(v.text, 'refcount underflow');
  assert.not.ok(v.continues);
});

test.run();
