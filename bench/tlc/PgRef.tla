---- MODULE PgRef ----
\* percpu_ref kill and drain: the benchmark model of ../../shared/bench/PERCPU_REF.md, the reference whose
\* counts daxspec's percpu-ref scenario must equal. PgRef.cfg checks Safe; PgRefLive.cfg checks Drains under
\* weak fairness of Next. The constants are overridden per size by bench/run.ts (a temporary .cfg per N).
EXTENDS Naturals
CONSTANTS N, K
VARIABLES refcnt, dying, live, o, pc, k
vars == <<refcnt, dying, live, o, pc, k>>
U == 1..N
Init == refcnt = 1 /\ dying = FALSE /\ live = 0 /\ o = 0 /\ pc = [i \in U |-> 0] /\ k = [i \in U |-> 0]
TryGet(i) == pc[i] = 0 /\ k[i] < K /\ ~dying /\ refcnt' = refcnt + 1 /\ pc' = [pc EXCEPT ![i] = 1] /\ UNCHANGED <<dying, live, o, k>>
Skip(i)   == pc[i] = 0 /\ k[i] < K /\ dying /\ k' = [k EXCEPT ![i] = @ + 1] /\ UNCHANGED <<refcnt, dying, live, o, pc>>
Quit(i)   == pc[i] = 0 /\ k[i] >= K /\ pc' = [pc EXCEPT ![i] = 9] /\ UNCHANGED <<refcnt, dying, live, o, k>>
Use(i)    == pc[i] = 1 /\ live' = live + 1 /\ pc' = [pc EXCEPT ![i] = 2] /\ UNCHANGED <<refcnt, dying, o, k>>
Unuse(i)  == pc[i] = 2 /\ live' = live - 1 /\ pc' = [pc EXCEPT ![i] = 3] /\ UNCHANGED <<refcnt, dying, o, k>>
Put(i)    == pc[i] = 3 /\ refcnt' = refcnt - 1 /\ pc' = [pc EXCEPT ![i] = 0] /\ k' = [k EXCEPT ![i] = @ + 1] /\ UNCHANGED <<dying, live, o>>
Kill      == o = 0 /\ dying' = TRUE /\ o' = 1 /\ UNCHANGED <<refcnt, live, pc, k>>
DropInit  == o = 1 /\ refcnt' = refcnt - 1 /\ o' = 2 /\ UNCHANGED <<dying, live, pc, k>>
Wait      == o = 2 /\ refcnt = 0 /\ o' = 3 /\ UNCHANGED <<refcnt, dying, live, pc, k>>
Next == \/ \E i \in U : TryGet(i) \/ Skip(i) \/ Quit(i) \/ Use(i) \/ Unuse(i) \/ Put(i)
        \/ Kill \/ DropInit \/ Wait
Safe == (o = 3 => live = 0) /\ (refcnt = 0 => dying)
Spec == Init /\ [][Next]_vars /\ WF_vars(Next)
Drains == dying ~> (refcnt = 0)
====
