/**
 * `daxspec/testing`: what the test files `daxspec paths` generates import. Each generated test file hands
 * its data file and the scenario it was generated from (imported from the model's own module) to
 * {@link suiteTests}, which registers one uvu test per path and per counterexample.
 *
 * @packageDocumentation
 */
export { suiteTests, type ScenarioExport } from './paths/suiteTests.ts';
