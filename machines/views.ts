import type { ContextFrom, StateValueFrom } from 'xstate';
import type { ActorView, StatePath } from './kit/types.ts';
import type { addressSpaceMachine } from './addressSpace.ts';
import type { blockMachine } from './block.ts';
import type { daxDeviceMachine } from './daxDevice.ts';
import type { devPagemapMachine } from './devPagemap.ts';
import type { devmapManagedKeyMachine } from './devmapManagedKey.ts';
import type { dmTableMachine } from './dmTable.ts';
import type { dmaPinnerMachine } from './dmaPinner.ts';
import type { evictionMachine } from './eviction.ts';
import type { fileWriterMachine } from './fileWriter.ts';
import type { filesystemMachine } from './filesystem.ts';
import type { pageMachine } from './page.ts';
import type { pmemMachine } from './pmem.ts';
import type { rwsemMachine } from './rwsem.ts';
import type { srcuMachine, srcuReaderMachine } from './srcuReader.ts';
import type { truncateMachine } from './truncate.ts';

/**
 * The typed seam between invariants and machines: every machine id of the DAX spec, the
 * state paths and context of the machine behind each, and a view of the system that hands
 * an invariant a typed actor view when it names an actor of a known machine. A state the
 * machine does not have (`matches('freedWhileAliv')`) or a context field it does not keep
 * is then a compile error in the invariant; the composer checks the same paths again at run
 * time, for readers (tests, fixtures) that are not typed.
 */
interface MachineOf {
  address_space: ReturnType<typeof addressSpaceMachine>;
  block: ReturnType<typeof blockMachine>;
  dax_device: ReturnType<typeof daxDeviceMachine>;
  dax_srcu: ReturnType<typeof srcuMachine>;
  dev_pagemap: ReturnType<typeof devPagemapMachine>;
  devmap_managed_key: ReturnType<typeof devmapManagedKeyMachine>;
  dm_table: ReturnType<typeof dmTableMachine>;
  dma_pinner: ReturnType<typeof dmaPinnerMachine>;
  eviction: ReturnType<typeof evictionMachine>;
  file_writer: ReturnType<typeof fileWriterMachine>;
  filesystem: ReturnType<typeof filesystemMachine>;
  page: ReturnType<typeof pageMachine>;
  pmem: ReturnType<typeof pmemMachine>;
  rwsem: ReturnType<typeof rwsemMachine>;
  srcu_reader: ReturnType<typeof srcuReaderMachine>;
  truncate: ReturnType<typeof truncateMachine>;
}

/** A machine id of the DAX spec: the `id` its factory gives the machine. */
export type MachineId = keyof MachineOf;

/** Every machine id, for checking a built machine's id at run time (test/views.test.ts checks each factory). */
export const MACHINE_IDS = [
  'address_space',
  'block',
  'dax_device',
  'dax_srcu',
  'dev_pagemap',
  'devmap_managed_key',
  'dm_table',
  'dma_pinner',
  'eviction',
  'file_writer',
  'filesystem',
  'page',
  'pmem',
  'rwsem',
  'srcu_reader',
  'truncate',
] as const satisfies readonly MachineId[];

export const isMachineId = (id: string): id is MachineId => (MACHINE_IDS as readonly string[]).includes(id);

/** The dotted state paths of machine M. */
export type StateOf<M extends MachineId> = StatePath<StateValueFrom<MachineOf[M]>>;
/** The context of machine M. */
export type ContextOf<M extends MachineId> = ContextFrom<MachineOf[M]>;

declare const machineBrand: unique symbol;
/** An actor name known to be an instance of machine M. */
export type ActorName<M extends MachineId> = string & { readonly [machineBrand]: M };

/**
 * Names an actor of machine M that a context field points at (a reader's `dax`, a pinner's
 * `block`): the machine that keeps the field says what it points at.
 */
export const actorOf = <M extends MachineId>(_machine: M, name: string): ActorName<M> => name as ActorName<M>;

/** The system state as typed invariants read it. */
export type TypedView = <M extends MachineId>(name: ActorName<M>) => ActorView<StateOf<M>, ContextOf<M>>;
