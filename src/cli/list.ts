/**
 * `daxspec list`: the scenarios, revisions (with the names the tool shows for patch series) and
 * properties a registry holds, as text or `--json`.
 */
import { REVISION_LABEL } from '../../machines/eras.ts';

/** What the tool calls a revision where it differs from its name ("v8 series"); a user's model names its own. */
const labelOf = (r: string): string => (REVISION_LABEL as Record<string, string>)[r] ?? r;
import { BUILTIN_PROPERTIES } from '../check/properties.ts';
import type { Registry } from '../scenarioRegistry.ts';

/** `daxspec list`: the scenarios, revisions and properties there are. */
export function runList(args: { json?: boolean }, reg: Registry): number {
  const SCENARIOS = reg.scenarios;
  const invariants = new Map<string, string>();
  const liveness = new Map<string, string>();
  for (const s of SCENARIOS) {
    for (const rev of s.revisions.length ? s.revisions : [undefined]) {
      const sizes = Object.fromEntries(s.sizes.map((p) => [p.name, p.default]));
      const decl = s.build(rev, sizes);
      for (const inv of decl.invariants ?? []) if (!invariants.has(inv.id)) invariants.set(inv.id, inv.text);
      for (const l of decl.liveness ?? []) if (!liveness.has(l.id)) liveness.set(l.id, `(liveness, under fairness) ${l.text}`);
    }
  }
  const properties = [
    ...[...invariants].map(([id, text]) => ({ id, text })).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true })),
    ...[...liveness].map(([id, text]) => ({ id: `${id} (liveness)`, text })),
    ...BUILTIN_PROPERTIES,
  ];
  if (args.json) {
    const out = {
      scenarios: SCENARIOS.map((s) => ({ name: s.name, description: s.description, revisions: s.revisions, sizes: s.sizes })),
      revisions: reg.revisions.map((r) => ({ name: r, label: labelOf(r), text: reg.revisionText(r) ?? '' })),
      properties,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  const lines = ['Scenarios:'];
  for (const s of SCENARIOS) {
    lines.push(`  ${s.name}  ${s.description}`);
    lines.push(`      revisions: ${s.revisions.length ? s.revisions.map(labelOf).join(', ') : '(any: revision-independent)'}`);
    if (s.sizes.length)
      lines.push(
        `      sizes: ${s.sizes.map((p) => `--${p.name} ${p.min}..${p.max} (default ${p.default}): ${p.description}`).join('; ')}`,
      );
  }
  lines.push('', 'Revisions:');
  // A patch-series version is shown as such ("v8 series"), with the name --revision takes.
  const named = (r: string) => (labelOf(r) === r ? r : `${labelOf(r)} (--revision ${r})`);
  const width = Math.max(0, ...reg.revisions.map((r) => named(r).length));
  for (const r of reg.revisions) lines.push(`  ${named(r).padEnd(width)}  ${reg.revisionText(r) ?? ''}`.trimEnd());
  lines.push('', 'Properties:');
  for (const p of properties) lines.push(`  ${p.id.padEnd(15)} ${p.text}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
