import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMachine, initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { ownerMachine, refMachine, userMachine } from '../machines/bench/percpuRef.ts';
import { chartOf } from '../src/model/chart.ts';
import { chartToConfig, higherOrderGuards } from '../src/viz/config.ts';
import { chartToDot } from '../src/viz/dot.ts';
import { exportMachine } from '../src/viz/exportMachine.ts';
import { chartToMermaid } from '../src/model/mermaid.ts';
import { renderSvg } from '../src/viz/render.ts';
import { chartToScxml } from '../src/viz/scxml.ts';
import { lampMachine } from './fixtures/history.ts';
import { hostileMachine } from './fixtures/hostile.ts';
import { counterMachine, racyIncrementer } from './fixtures/lostUpdate.ts';
import { shapesMachine } from './fixtures/vizShapes.ts';

const machines: [string, () => AnyStateMachine][] = [
  ['shapes', shapesMachine],
  ['lamp', lampMachine],
  ['percpu_ref', refMachine],
  ['user', () => userMachine(2)],
  ['owner', ownerMachine],
  ['counter', counterMachine],
  ['racy', racyIncrementer],
];

/** Every event a machine names, with the payloads the fixtures read (`n`). */
function eventsOf(m: AnyStateMachine): { type: string; n?: number }[] {
  const types = [
    ...new Set(
      chartOf(m)
        .transitions.map((t) => t.event)
        .filter((e) => e && !e.startsWith('xstate.')),
    ),
  ];
  return types.flatMap((type) => [{ type }, { type, n: 1 }]);
}

const key = (s: AnyMachineSnapshot): string => JSON.stringify([s.value, s.context, s.status]);

/**
 * Breadth-first over both machines in lockstep, to depth 5: every event in every reached state must
 * give the same value, context and status. Only then is the exported config the same machine.
 */
function sameBehaviour(a: AnyStateMachine, b: AnyStateMachine): number {
  let frontier: [AnyMachineSnapshot, AnyMachineSnapshot][] = [[initialTransition(a)[0], initialTransition(b)[0]]];
  const seen = new Set<string>();
  const events = eventsOf(a);
  for (let depth = 0; depth < 5 && frontier.length; depth++) {
    const next: typeof frontier = [];
    for (const [sa, sb] of frontier) {
      assert.is(key(sb), key(sa));
      if (seen.has(key(sa))) continue;
      seen.add(key(sa));
      for (const e of events) {
        const [na] = transition(a, sa as any, e as any);
        const [nb] = transition(b, sb as any, e as any);
        assert.is(key(nb), key(na), `${a.id}: ${e.type} from ${JSON.stringify(sa.value)}`);
        next.push([na, nb]);
      }
    }
    frontier = next;
  }
  return seen.size;
}

test('json: the exported config is a machine createMachine accepts back, with the same structure and behaviour', () => {
  for (const [name, make] of machines) {
    const original = make();
    // What `daxspec export --format json` prints: the config with the context the actor starts with.
    const text = exportMachine(original, 'json');
    const config = JSON.parse(text);
    assert.ok(config.context !== undefined || original.config.context === undefined, `${name}: context kept`);
    // A higher-order guard (`not('armed')`) is written as `daxspec.not` over its operands, which
    // higherOrderGuards implements. The shapes fixture has one.
    const impl = original.implementations as any;
    const back = createMachine(config).provide({ ...impl, guards: { ...impl.guards, ...higherOrderGuards(impl.guards) } });
    assert.is(exportMachine(back, 'json'), text, `${name}: exporting the re-created machine gives the same text`);
    const states = sameBehaviour(original, back);
    assert.ok(states >= 2, `${name}: the comparison reached ${states} states`);
  }
});

test('json: the shapes fixture keeps parallel, history, final, always and machine-level transitions', () => {
  const config = chartToConfig(chartOf(shapesMachine())) as any;
  assert.is(config.states.running.type, 'parallel');
  assert.is(config.states.running.states.left.states.b.states.hist.type, 'history');
  assert.is(config.states.running.states.left.states.b.states.hist.history, 'deep');
  assert.is(config.states.done.type, 'final');
  assert.equal(config.states.running.states.right.states.y.always[0].target, ['#shapes.running.right.x']);
  assert.equal(config.on.panic[0].target, ['#shapes.broken']);
  assert.equal(config.states.stopped.on.restart[0].target, ['#shapes.running.left.b.hist', '#shapes.running.right.y']);
  // `not(armed)` is a function: it is written as data, `daxspec.not` over the named guard.
  assert.equal(config.states.idle.on.start[1].guard, { type: 'daxspec.not', params: { guards: ['armed'] } });
  assert.equal(config.context, undefined, 'no context was given to chartOf');
  assert.equal(chartToConfig(chartOf(shapesMachine(), { n: 0, armed: false })).context, { n: 0, armed: false });
});

test('scxml: the W3C elements, one <transition> per transition plus the history default, ids that are NCNames', () => {
  for (const [name, make] of machines) {
    const chart = chartOf(make());
    const x = chartToScxml(chart);
    assert.match(x, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<scxml xmlns="http:\/\/www.w3.org\/2005\/07\/scxml"/, name);
    const histories = chart.states.filter((s) => s.type === 'history').length;
    assert.is((x.match(/<transition /g) ?? []).length, chart.transitions.length + histories, name);
    for (const id of x.matchAll(/ id="([^"]*)"/g)) assert.match(id[1], /^[A-Za-z_][A-Za-z0-9._-]*$/, `${name}: ${id[1]}`);
  }
  const shapes = chartToScxml(chartOf(shapesMachine()));
  assert.match(shapes, /<parallel id="shapes.running"/);
  assert.match(shapes, /<history id="shapes.running.left.b.hist" type="deep"/);
  assert.match(shapes, /<final id="shapes.done"/);
  assert.match(shapes, /<transition cond="small" target="shapes.running.right.x"/, 'always: a transition without event');
  assert.match(shapes, /target="shapes.running.left.b.hist shapes.running.right.y"/);
});

test('mermaid: a stateDiagram-v2 line per transition, machine text only as entity codes', () => {
  const chart = chartOf(shapesMachine());
  const m = chartToMermaid(chart);
  assert.ok(m.startsWith('stateDiagram-v2\n'));
  assert.match(m, /state s2 \{[\s\S]*--[\s\S]*\}/, 'the parallel state has its regions separated by --');
  assert.match(m, /s6 --> s7 : tock/);
  assert.match(m, /s12 --> s8 : restart\n {2}s12 --> s11 : restart/);
  const hostile = chartToMermaid(chartOf(hostileMachine()));
  assert.not.match(hostile.replace(/-->/g, ''), /[<>]/, 'no angle bracket from a hostile machine reaches Mermaid');
  assert.match(hostile, /#60;script#62;/);
});

test('dot: the laid-out SVG has a state group per state and a transition group per transition, and hostile text stays text', async () => {
  for (const [name, make] of [...machines, ['hostile', hostileMachine] as const]) {
    const chart = chartOf(make());
    const svg = await renderSvg(chartToDot(chart));
    const states = new Set([...svg.matchAll(/class="[^"]*\bstate s(\d+)\b/g)].map((m) => Number(m[1])));
    const expected = chart.states.filter((s) => s.index > 0 || chart.transitions.some((t) => t.source === 0)).map((s) => s.index);
    assert.equal(
      [...states].sort((a, b) => a - b),
      expected,
      `${name}: states`,
    );
    const transitions = new Set([...svg.matchAll(/class="[^"]*\btransition\b[^"]*\bt(\d+)\b/g)].map((m) => Number(m[1])));
    assert.is(transitions.size, chart.transitions.length, `${name}: transitions`);
    // Machine text is escaped, so every `<` left in the SVG opens a tag Graphviz wrote: none may be live.
    for (const [, tag, attrs] of svg.matchAll(/<([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*\/?>/g)) {
      assert.not.match(tag, /^(script|img|iframe|foreignObject|object|embed)$/i, `${name}: <${tag}>`);
      for (const [, attr] of attrs.matchAll(/\s([\w:-]+)="/g)) assert.not.match(attr, /^on/i, `${name}: ${tag} ${attr}`);
    }
    const tags = (svg.match(/</g) ?? []).length;
    const parsed = (svg.match(/<([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*\/?>|<\/[A-Za-z][\w:-]*>|<!--[\s\S]*?-->/g) ?? []).length;
    assert.is(parsed, tags, `${name}: every < opens a well-formed tag or comment`);
  }
});

const bin = join(import.meta.dirname, '..', 'bin', 'daxspec.js');
const daxspec = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('daxspec export: names, formats, bad input', () => {
  const json = daxspec('export', '--format', 'json', 'percpu-ref:user0');
  assert.is(json.status, 0, json.stderr);
  assert.is(JSON.parse(json.stdout).id, 'user');
  const byId = daxspec('export', '--format', 'scxml', 'percpu_ref');
  assert.is(byId.status, 0, byId.stderr);
  assert.match(byId.stdout, /<scxml [^>]*name="percpu_ref"/);
  const help = daxspec('export', '--help');
  assert.match(help.stdout, /SCENARIO\[@REVISION\]:ACTOR/);
  for (const [args, msg] of [
    [['export', '--format', 'json', 'percpu-ref:nobody'], /has no actor 'nobody'/],
    [['export', '--format', 'json', 'no_such_machine'], /no machine 'no_such_machine'/],
    [['export', '--format', 'png', 'percpu_ref'], /png/],
  ] as const) {
    const r = daxspec(...args);
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, msg);
  }
});

test.run();
