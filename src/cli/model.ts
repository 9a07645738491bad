/**
 * `--model FILE`: a user's own scenarios on the command line. Resolves the option to a Registry before
 * the commands are built (each scenario's sizes become options), so every command takes a registry and
 * the built-in DAX scenarios are just the registry used when no --model is given.
 *
 * The module contract (docs/authoring.md, "Your own model"): an ES module, TypeScript or JavaScript,
 * exporting `scenarios`, an array of `Scenario` built with daxspec's public API; optionally `revisions`
 * (names in order, or `{ name, text }`) and `description` (the docs' summary line). A module without
 * `scenarios` that exports exactly one XState machine (by name or as default) is read as one scenario:
 * that machine alone, as a system of one actor (src/compose/singleMachine.ts), named by its export.
 *
 * The file is bundled on the fly by esbuild (already a dependency), not run through tsx's loader: the
 * bundler lets us resolve the model's `daxspec` and `xstate` imports to the very modules this process
 * runs, so the model's `call`/`reply` addresses and machines are those the checker understands even when
 * the CLI is installed globally or run from this repository's sources while the model imports the
 * package. Everything else the model imports is bundled from where the model is; nothing is written.
 */
import { existsSync, statSync } from 'node:fs';
import type { AnyStateMachine } from 'xstate';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, ModelError } from '../compose/errors.ts';
import { isMachine, machineScenario } from '../compose/singleMachine.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { FROM_SOURCES, packageFile } from '../files.ts';
import { makeRegistry, type Registry, type ScenarioSource } from '../scenarioRegistry.ts';

/** The value of --model in argv (`--model F`, `--model=F`, `-m F`), read before commander parses. */
export function modelArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return undefined;
    if (a === '--model' || a === '-m') return argv[i + 1];
    if (a.startsWith('--model=')) return a.slice('--model='.length);
  }
  return undefined;
}

/** `daxspec`, `daxspec --help`, `daxspec help`: help that lists the commands and none of their options; `--version` too. */
export function topLevelHelp(args: readonly string[]): boolean {
  return args.length === 0 || (args.length === 1 && ['-h', '--help', 'help', '-V', '--version'].includes(args[0]));
}

/** No scenarios: what top-level help is built with. */
export function emptyRegistry(): Registry {
  return makeRegistry({ scenarios: [], sources: new Map(), summary: '', regenerate: () => '', runnerModule: () => '' });
}

/**
 * The registry a run works on: the user's model, or the built-in DAX scenarios. `reserved`: the names of the
 * command line's options (main.ts optionNames), which a model's size may not take, as its option would be the size's.
 */
export async function loadRegistry(model: string | undefined, reserved: () => ReadonlySet<string>): Promise<Registry> {
  if (model === undefined) return (await import('../registry.ts')).builtinRegistry();
  return loadModel(model, reserved());
}

/** The modules a model shares with the checker, as absolute URLs of this process's own copies. */
function sharedModules(): Record<string, string> {
  return {
    daxspec: pathToFileURL(packageFile(FROM_SOURCES ? 'src/index.ts' : 'dist/index.js')).href,
    xstate: import.meta.resolve('xstate'),
  };
}

interface ModelModule {
  scenarios?: unknown;
  revisions?: unknown;
  description?: unknown;
  [name: string]: unknown;
}

/** The registry of the model in `file`, whose sizes may not be named as any of `reserved`. */
export async function loadModel(file: string, reserved: ReadonlySet<string>): Promise<Registry> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ModelError(`--model ${file}: no such file`);
  if (!statSync(path).isFile()) throw new ModelError(`--model ${file}: not a file`);
  const mod = await importModel(file, path);
  const machine = mod.scenarios === undefined ? onlyMachine(file, mod) : undefined;
  const scenarios = machine ? [machineScenario(machine.name, machine.machine)] : checkScenarios(file, mod.scenarios, reserved);
  const revisions = checkRevisions(file, mod.revisions);
  const shown = relative(process.cwd(), path).split('\\').join('/');
  const arg = shown.startsWith('.') || shown.startsWith('/') ? shown : `./${shown}`;
  const exportName = machine ? machine.exportName : 'scenarios';
  const sources = new Map<Scenario, ScenarioSource>(scenarios.map((s) => [s, { module: path, exportName }]));
  return makeRegistry({
    scenarios,
    revisions,
    sources,
    summary: typeof mod.description === 'string' ? mod.description : `The scenarios of ${arg}`,
    regenerate: (command, out) => `npx daxspec ${command} --model ${arg} --out ${out}`,
    // The user's tests run against the installed package.
    runnerModule: () => 'daxspec/testing',
  });
}

async function importModel(file: string, path: string): Promise<ModelModule> {
  const { build } = await import('esbuild');
  const shared = sharedModules();
  let code: string;
  try {
    const r = await build({
      entryPoints: [path],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      plugins: [
        {
          name: 'daxspec-shared-modules',
          setup(b) {
            b.onResolve({ filter: /^(daxspec|xstate)$/ }, (a) => ({ path: shared[a.path], external: true }));
          },
        },
      ],
    });
    code = r.outputFiles[0].text;
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
    if (!errors) throw e;
    const lines = errors
      .slice(0, 5)
      .map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text));
    throw new ModelError(`--model ${file} does not compile:\n  ${lines.join('\n  ')}`);
  }
  try {
    return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as ModelModule;
  } catch (e) {
    throw new ModelError(`--model ${file} failed while loading: ${(e as Error).message}`);
  }
}

/**
 * The one XState machine a module without `scenarios` exports, or undefined when it exports none
 * (checkScenarios then says what is missing). A machine exported both by name and as default is one
 * machine, named by its name; two different machines are refused: which one the user means is theirs to say.
 */
function onlyMachine(file: string, mod: ModelModule): { name: string; exportName: string; machine: AnyStateMachine } | undefined {
  const found = new Map<AnyStateMachine, string>();
  // named exports first, so a machine also exported as default keeps its name
  const names = Object.keys(mod).sort((a, b) => Number(a === 'default') - Number(b === 'default') || a.localeCompare(b));
  for (const name of names) {
    const v = mod[name];
    if (isMachine(v) && !found.has(v)) found.set(v, name);
  }
  if (found.size > 1)
    throw new ModelError(
      `--model ${file}: no export named scenarios, and several XState machines (${[...found.values()].join(', ')}); export one machine, or 'scenarios' (see docs/authoring.md)`,
    );
  const [entry] = [...found];
  if (!entry) return undefined;
  const [machine, exportName] = entry;
  return { name: exportName === 'default' ? machine.id : exportName, exportName, machine };
}

function checkScenarios(file: string, value: unknown, reserved: ReadonlySet<string>): Scenario[] {
  const contract = `it must export 'scenarios', an array of scenarios ({ name, description, revisions, sizes, build }); see docs/authoring.md`;
  if (value === undefined)
    throw new ModelError(
      `--model ${file}: no export named scenarios and no XState machine; it must export 'scenarios', an array of scenarios ({ name, description, revisions, sizes, build }), or a single XState machine; see docs/authoring.md`,
    );
  if (!Array.isArray(value)) throw new ModelError(`--model ${file}: 'scenarios' is not an array; ${contract}`);
  if (value.length === 0) throw new ModelError(`--model ${file}: 'scenarios' is empty; ${contract}`);
  value.forEach((s: Partial<Scenario> | null, i) => {
    const what = `--model ${file}: scenarios[${i}]${s && typeof s.name === 'string' ? ` (${s.name})` : ''}`;
    if (!s || typeof s !== 'object') throw new ModelError(`${what} is not an object; ${contract}`);
    if (typeof s.name !== 'string' || !s.name) throw new ModelError(`${what} has no name; ${contract}`);
    if (typeof s.build !== 'function') throw new ModelError(`${what} has no build(revision, sizes) function; ${contract}`);
    if (!Array.isArray(s.revisions) || s.revisions.some((r) => typeof r !== 'string'))
      throw new ModelError(`${what}: revisions must be an array of names ([] when it has none)`);
    if (!Array.isArray(s.sizes)) throw new ModelError(`${what}: sizes must be an array ([] when it has none)`);
    for (const p of s.sizes) {
      const ok =
        p &&
        typeof p.name === 'string' &&
        /^[a-z][a-z0-9-]*$/.test(p.name) &&
        [p.default, p.min, p.max].every(Number.isInteger) &&
        p.min <= p.default &&
        p.default <= p.max;
      if (!ok)
        throw new ModelError(`${what}: size ${JSON.stringify(p?.name)} needs a lower-case name and whole numbers min <= default <= max`);
      if (reserved.has(p.name)) throw new ModelError(`${what}: a size cannot be named '${p.name}', the name of a command-line option`);
    }
  });
  return (value as Scenario[]).map((s) => guardedScenario(file, s));
}

/**
 * The user's scenario with what its own build (or inert) throws said as the model's fault, naming the file and the
 * scenario (exit 2), not as daxspec's (exit 4).
 */
function guardedScenario(file: string, s: Scenario): Scenario {
  const guard =
    <A extends unknown[], T>(what: string, f: (...args: A) => T) =>
    (...args: A): T => {
      try {
        return f(...args);
      } catch (e) {
        if (e instanceof ModelError || e instanceof InputError) throw e;
        throw new ModelError(`--model ${file}: scenario ${s.name}: ${what} threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
  return {
    ...s,
    build: guard('build(revision, sizes)', s.build.bind(s)),
    ...(s.inert ? { inert: guard('inert(revision, sizes)', s.inert.bind(s)) } : {}),
  };
}

function checkRevisions(file: string, value: unknown): { name: string; text?: string }[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [];
  const out = list.map((r: unknown) => (typeof r === 'string' ? { name: r } : (r as { name?: unknown; text?: unknown })));
  if (!Array.isArray(value) || out.some((r) => !r || typeof r.name !== 'string' || (r.text !== undefined && typeof r.text !== 'string'))) {
    throw new ModelError(`--model ${file}: 'revisions' must be an array of names or of { name, text }`);
  }
  return out as { name: string; text?: string }[];
}
