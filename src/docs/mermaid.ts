import type { MachineModel, StateRow } from './machineModel.ts';

/**
 * A machine as a Mermaid `stateDiagram-v2` (GitHub renders it in Markdown).
 * Mermaid state ids are global, so each state is named by its full path; edges
 * between the same two states are merged into one, labelled with every event on
 * it (guards are in the transition table), so that an object with many self-loops
 * stays readable. Parallel regions are
 * separated by `--`, as Mermaid draws concurrency.
 */
export function mermaidDiagram(model: MachineModel): string {
  const children = new Map<string, StateRow[]>();
  for (const s of model.states) {
    const parent = parentOf(s.path);
    (children.get(parent) ?? children.set(parent, []).get(parent)!).push(s);
  }
  const lines = ['stateDiagram-v2'];

  /** The inside of a compound or parallel node: its initial arrow and its children. */
  const body = (path: string, type: StateRow['type'], initial: string | undefined, indent: string): void => {
    const kids = children.get(path) ?? [];
    if (type === 'parallel') {
      kids.forEach((k, i) => {
        if (i > 0) lines.push(`${indent}--`);
        node(k, indent);
      });
      return;
    }
    if (initial) lines.push(`${indent}[*] --> ${mermaidId(path ? `${path}.${initial}` : initial)}`);
    for (const k of kids) node(k, indent);
  };
  const node = (s: StateRow, indent: string): void => {
    const name = s.path.slice(s.path.lastIndexOf('.') + 1);
    if (s.type === 'compound' || s.type === 'parallel') {
      lines.push(`${indent}state "${label(name)}" as ${mermaidId(s.path)} {`);
      body(s.path, s.type, s.initial, `${indent}  `);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${label(name)}" as ${mermaidId(s.path)}`);
    }
  };
  if (model.type === 'parallel') {
    // Mermaid has no top-level concurrency: the machine itself becomes the composite.
    lines.push(`  state "${label(model.id)}" as machine_root {`);
    body('', 'parallel', undefined, '    ');
    lines.push('  }');
  } else {
    body('', 'compound', model.initial, '  ');
  }

  const edges = new Map<string, string[]>();
  for (const t of model.transitions) {
    // Transitions on the machine itself have no box to start from; their table rows say what they do.
    if (t.source === '') continue;
    for (const to of t.targets.length ? t.targets : [t.source]) {
      if (to === '') continue;
      const key = `${mermaidId(t.source)} --> ${mermaidId(to)}`;
      // Events only: the guards that choose between transitions are in the page's table.
      const list = edges.get(key) ?? edges.set(key, []).get(key)!;
      if (!list.includes(t.event)) list.push(t.event);
    }
  }
  for (const [key, texts] of edges) lines.push(`  ${key} : ${label(texts.join(', '))}`);
  for (const s of model.states) if (s.type === 'final') lines.push(`  ${mermaidId(s.path)} --> [*]`);
  const violations = model.states.filter((s) => s.tags.includes('violation'));
  if (violations.length) {
    lines.push('  classDef violation fill:#f8d7da,stroke:#b02a37,color:#58151c');
    lines.push(`  class ${violations.map((s) => mermaidId(s.path)).join(',')} violation`);
  }
  return lines.join('\n');
}

const parentOf = (path: string): string => (path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '');

/** Mermaid ids are bare words: the state path with every other character made an underscore. */
export const mermaidId = (path: string): string => 's_' + path.replace(/[^A-Za-z0-9]/g, '_');

/** Mermaid breaks on quotes, colons, semicolons, hashes and braces in labels; keep kernel names readable without them. */
function label(s: string): string {
  return s
    .replace(/["{};:#]/g, ' ')
    .replace(/</g, 'lt ')
    .replace(/>/g, ' gt')
    .replace(/\s+/g, ' ')
    .trim();
}
