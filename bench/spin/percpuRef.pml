/* percpu_ref kill and drain (../shared/bench/PERCPU_REF.md) in Promela, for SPIN's states/s beside
   daxspec's: N users and one owner, K rounds per user, each TLA+ action one atomic step, the invariant
   Safe asserted after every step. Build: spin -DN=5 -a percpuRef.pml && gcc -O2 -DSAFETY -o pan pan.c */
#ifndef N
#define N 5
#endif
#define K 3
#define SAFE ((o != 3 || live == 0) && (refcnt != 0 || dying))

byte refcnt = 1;
bool dying = false;
byte live = 0;
byte o = 0;
byte pc[N];
byte k[N];

active [N] proctype user() {
  do
  :: d_step { pc[_pid] == 0 && k[_pid] < K && !dying -> refcnt++; pc[_pid] = 1; assert(SAFE) }
  :: d_step { pc[_pid] == 0 && k[_pid] < K && dying -> k[_pid]++; assert(SAFE) }
  :: d_step { pc[_pid] == 0 && k[_pid] >= K -> pc[_pid] = 9 }; break
  :: d_step { pc[_pid] == 1 -> live++; pc[_pid] = 2; assert(SAFE) }
  :: d_step { pc[_pid] == 2 -> live--; pc[_pid] = 3; assert(SAFE) }
  :: d_step { pc[_pid] == 3 -> refcnt--; pc[_pid] = 0; k[_pid]++; assert(SAFE) }
  od
}

active proctype owner() {
  d_step { o == 0 -> dying = true; o = 1; assert(SAFE) };
  d_step { o == 1 -> refcnt--; o = 2; assert(SAFE) };
  d_step { o == 2 && refcnt == 0 -> o = 3; assert(SAFE) }
}
