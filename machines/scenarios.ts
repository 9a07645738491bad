/**
 * The list of built-in scenarios, in the order `daxspec list` shows them: the device scenarios of
 * machines/scenarios/devices.ts, then the page scenarios of machines/scenarios/pages.ts.
 */
import type { Scenario } from './kit/types.ts';
import type { Revision } from './kit/revision.ts';
import { deviceScenarios } from './scenarios/devices.ts';
import { pageScenarios } from './scenarios/pages.ts';

/** The systems a user checks (daxspec list). machines/scenarios/*.ts define them; this list names them. */
export const scenarios: Scenario<Revision>[] = [...deviceScenarios, ...pageScenarios];
