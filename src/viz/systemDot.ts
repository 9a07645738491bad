/**
 * A system's send graph as Graphviz DOT: actors as nodes, calls as edges, environment events on each actor.
 */
import type { SendGraph } from '../model/sends.ts';
import { dotString, htmlText } from './escape.ts';
import { wrap } from '../model/labels.ts';

export interface SystemActor {
  readonly name: string;
  readonly kind: 'object' | 'path';
  /** The machine's id, shown under the instance name (`dax_device`). */
  readonly machineId: string;
}

/**
 * The system view as a Graphviz digraph: an actor per node (kernel objects as boxes, code paths as
 * rounded boxes with the environment events they take), an edge per caller and callee labelled with
 * the events delivered. Nodes carry the class `actor aN` (N the actor's index) for the site.
 */
export function systemToDot(name: string, actors: readonly SystemActor[], sends: SendGraph): string {
  const index = new Map(actors.map((a, i) => [a.name, i]));
  const out = [
    `digraph ${dotString(name)} {`,
    '  graph [rankdir=LR, fontname="Helvetica", nodesep=0.5, ranksep=1.1, pad=0.2, bgcolor="transparent"];',
    '  node [fontname="Helvetica", fontsize=12, shape=box, style="filled", penwidth=1.3, margin="0.16,0.08"];',
    '  edge [fontname="Helvetica", fontsize=10, color="#7a8794", fontcolor="#2c3e50", arrowsize=0.7];',
  ];
  actors.forEach((a, i) => {
    const env = sends.env[a.name] ?? [];
    const envLine = env.length
      ? `<br/><font point-size="9" color="#5d6d7e">env: ${htmlText(wrap(env.join(', '), 36)).replace(/\n/g, '<br/>')}</font>`
      : '';
    const label = `<<b>${htmlText(a.name)}</b><br/><font point-size="10" color="#34495e">${htmlText(a.machineId)} (${a.kind === 'path' ? 'code path' : 'object'})</font>${envLine}>`;
    const style =
      a.kind === 'path' ? 'style="rounded,filled", fillcolor="#eef5ee", color="#3c7a4a"' : 'fillcolor="#eef2f8", color="#3d5a80"';
    out.push(`  a${i} [label=${label}, class="actor a${i}", tooltip=${dotString(`${a.name}: ${a.machineId}`)}, ${style}];`);
  });
  for (const c of sends.calls) {
    const label = wrap(c.events.join(', '), 30);
    out.push(
      `  a${index.get(c.from)} -> a${index.get(c.to)} [label=${dotString(label)}, class="send", tooltip=${dotString(`${c.from} calls ${c.to}: ${c.events.join(', ')}`)}];`,
    );
  }
  out.push('}');
  return out.join('\n') + '\n';
}
