/** Property kinds the checker reports besides the scenarios' own invariants. */
export const BUILTIN_PROPERTIES: readonly { id: string; text: string }[] = [
  { id: 'kernel-failure', text: "an actor entered a state tagged violation (an oops, a WARN, a use after free, in the kernel's words)" },
  { id: 'null-deref', text: 'a kernel function was called on a NULL object' },
  { id: 'bad-call', text: 'a kernel function was called on an object in a state that has no handler for it' },
  { id: 'deadlock', text: 'no step is possible while a code path has not finished' },
  { id: 'progress', text: 'an actor waits in a state from which no wake-up can ever come' },
];
