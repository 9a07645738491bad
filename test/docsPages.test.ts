/**
 * Every generated page of docs/spec read as a reader's Markdown viewer reads it: no table cell is
 * empty, every relative link reaches a page (and its anchor, when it names one), and every link into
 * the viewer names a system, actor and property that exist. (test/diagrams.test.ts renders every
 * Mermaid block of the same pages with the mermaid package.)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { docsModel } from '../src/docs/generate.ts';
import { projectInput } from '../src/registry.ts';
import { BUILTIN_PROPERTIES } from '../src/check/properties.ts';
import { systemKey } from '../src/docs/siteLinks.ts';

const DOCS = join(import.meta.dirname, '..', 'docs', 'spec');
const SITE = resolve(DOCS, '../../site');

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? pages(p) : p.endsWith('.md') ? [p] : [];
  });
}
const all = pages(DOCS);

/** The table rows of a page outside code blocks, split at unescaped pipes. */
function tableRows(md: string): string[][] {
  let fenced = false;
  const rows: string[][] = [];
  for (const line of md.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced || !line.startsWith('|')) continue;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

test('the pages are there: index, history, a page per machine, its changelog, a page per property', () => {
  const names = all.map((p) => relative(DOCS, p));
  for (const l of docsModel(projectInput()).liveness) assert.ok(names.includes(`liveness/${l.id}.md`), `no page for ${l.id}`);
  assert.ok(names.includes('index.md'));
  assert.ok(names.includes('changes/index.md'));
  const machines = names.filter((n) => n.startsWith('machines/'));
  assert.ok(machines.length > 10);
  for (const m of machines) assert.ok(names.includes(m.replace('machines/', 'changes/')), `no changelog for ${m}`);
});

test('no table cell of any page is empty', () => {
  const empty: string[] = [];
  for (const p of all) {
    for (const row of tableRows(readFileSync(p, 'utf8'))) {
      if (row.every((c) => /^-+$/.test(c))) continue;
      row.forEach((c, i) => c === '' && empty.push(`${relative(DOCS, p)}: column ${i + 1} of | ${row.join(' | ')} |`.slice(0, 200)));
    }
  }
  assert.equal(empty, [], empty.slice(0, 10).join('\n'));
});

test('every relative link reaches a page and the anchor it names; every viewer link names what exists', () => {
  const { catalog } = docsModel(projectInput());
  const systems = new Set<string>();
  const actors = new Set<string>();
  for (const m of catalog.machines)
    for (const i of m.instances)
      for (const r of i.revisions) {
        systems.add(systemKey(i.scenario, r));
        actors.add(`${systemKey(i.scenario, r)}/${i.actor}`);
      }
  const model = docsModel(projectInput());
  const properties = new Set([
    ...BUILTIN_PROPERTIES.map((p) => p.id),
    ...model.invariants.map((i) => i.id),
    ...model.liveness.map((l) => l.id),
  ]);
  const bad: string[] = [];
  let viewerLinks = 0;
  for (const p of all) {
    const md = readFileSync(p, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, href] of md.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(href)) continue;
      const [file, frag] = href.split('#');
      const target = resolve(dirname(p), file);
      if (target === join(SITE, 'index.html')) {
        viewerLinks++;
        const parts = (frag ?? '').replace(/^\//, '').split('/').map(decodeURIComponent);
        const ok =
          (parts[0] === '' && parts.length === 1) ||
          (parts[0] === 'system' && systems.has(parts[1])) ||
          (parts[0] === 'machine' && actors.has(`${parts[1]}/${parts[2]}`)) ||
          (parts[0] === 'trace' && systems.has(parts[1]) && properties.has(parts[2].split('~')[0]));
        if (!ok) bad.push(`${relative(DOCS, p)}: viewer link ${href}`);
        continue;
      }
      if (!existsSync(target)) bad.push(`${relative(DOCS, p)}: ${href} (no such file)`);
      else if (frag && !readFileSync(target, 'utf8').includes(`id="${frag}"`))
        bad.push(`${relative(DOCS, p)}: ${href} (no anchor ${frag})`);
    }
  }
  assert.equal(bad, [], bad.slice(0, 10).join('\n'));
  assert.ok(viewerLinks > 100, `only ${viewerLinks} links into the viewer`);
});

// That a page's tables and diagrams mark exactly what no scenario reaches is `daxspec docs --lint`'s check now
// (src/docs/reachLint.ts), which test/docs.test.ts runs.
test('a state no scenario reaches in a revision is drawn unreached in that revision, never as live', () => {
  const page = readFileSync(join(DOCS, 'machines', 'truncate.md'), 'utf8');
  // v4.16 and v4.17 free blocks without waiting: truncate never scans there, and they share one diagram.
  const v417 = /### v4\.16, v4\.17\n\n```mermaid\n([\s\S]*?)```/.exec(page);
  assert.ok(v417, 'a diagram of the revisions without the wait (v4.16, v4.17) of their own');
  assert.match(v417![1], /"checkingMapped \(unreached\)"/);
  assert.match(v417![1], /class .* unreached/);
});

test.run();
