/**
 * One machine in an export format (JSON config, SCXML, DOT, Mermaid), its context computed from the actor's
 * input without running anything.
 */
import { createActor, type AnyStateMachine } from 'xstate';
import { chartOf } from '../model/chart.ts';
import { chartToConfig } from './config.ts';
import { chartToDot } from './dot.ts';
import { chartToMermaid } from '../model/mermaid.ts';
import { assertNamed } from './names.ts';
import { chartToScxml } from './scxml.ts';

import type { Format } from './formats.ts';

export { FORMATS, type Format } from './formats.ts';

/** One machine in one of the export formats; `input` gives the context its actor starts with. */
export function exportMachine(machine: AnyStateMachine, format: Format, input?: unknown): string {
  // The initial snapshot, not a started actor: nothing runs, the context is computed from the input.
  const context = createActor(machine, { input }).getSnapshot().context;
  const chart = chartOf(machine, context);
  // Every format names guards and actions; a machine with unnamed ones is refused, never half-exported.
  assertNamed(chart, format);
  switch (format) {
    case 'dot':
      return chartToDot(chart);
    case 'mermaid':
      return chartToMermaid(chart, { direction: 'LR' });
    case 'scxml':
      return chartToScxml(chart);
    case 'json':
      return JSON.stringify(chartToConfig(chart), null, 2) + '\n';
  }
}
