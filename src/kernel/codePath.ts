import type { EventObject } from 'xstate';

/**
 * A kernel code path that can be preempted: a generator that yields, before each action another
 * CPU may interleave with, the name of that action (the kernel function or step: 'clear_bit_alive',
 * 'put_dax'), or the names of the actions it may take next when the choice is not its own
 * (`['umount']` after a mount). The caller resumes it with the event that schedules the action;
 * the code between one yield and the next is that action, atomic with respect to the others.
 */
export type Step = Generator<string | readonly string[], void, EventObject>;
