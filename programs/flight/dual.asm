; dual.asm: DUAL, the two processors as a pair (spec §10; Tomayko ch. 6).
;
; Both CCS processors run this same load, each from its own memory, on the same events
; (levels 1-8 reach both). The reset entry makes A the active processor and B its hot
; standby (ROLE): the standby runs every table, timer and fault routine exactly as the
; active one does, but issues nothing (OUTDRV, TLMDRV), so it can take the work over
; at any moment with the same state.
;
; Heartbeat: on every 1 s tick each processor writes MB_HB (+ 1 when active) into the
; other's mailbox (OUT 0o04, the other's level 9). Each reloads PHBLEFT with PHBLIM
; (3) on the partner's word and counts it down on its own 1 s ticks: a partner that
; halts, stalls or loses its memory is given up 3 s after its last heartbeat (PLOST).
; - The standby then takes over (ROLE = 1, TOOK = 1) and carries on the sequences
;   from its own copy of their state: T_CCS + CE_TAKEOVER.
; - The active one reports the loss and carries on alone: T_CCS + CE_LOST.
; A partner heard again is reported (CE_BACK). Two active processors (a stalled
; active one coming back after the standby took over): the one that did not take
; over stands by again (CE_YIELD) and stays silent.
;
; Vote check: a vote mismatch in TANDEM (ERR[1]) makes ERROR ask for it (VCREQ); it
; runs in the background loop, with interrupts open, so no tick is lost. Each
; processor sums the sequence tables (VCKA, VCKN words) in its own memory and, with
; LDX, in the partner's, and compares both sums with REFSUM, the sum it took at reset.
; Both processors see the same two memories, so both reach the same verdict:
; - both issue DCM 0o0100 (a voted pair, so it is issued once, AB): INDIVIDUAL;
; - the processor whose copy still matches becomes (or stays) the active one; the one
;   whose copy differs stands by, and no TANDEM is entered with it again (PBAD);
; - with both copies good (a transient) or both bad, the roles stay.
; The active one reports T_VOTE + 1 (A's copy good) + 2 (B's good) + 4 (B active).
        .section DUAL, 192

; ---------------------------------------------------------------- 1 s (from T1SB)
; Routines in FIXED (write-protected) are entered through vectors in DATA; the pieces
; below with one caller report inline instead (T_CCS + event * 2 + MYID).
HBTB:   LDA  ROLE
        IOR  KMBHB
        OUT  CH_MBX             ; "alive" (+ 1: "and active") to the partner's level 9
        LDA  PHBLEFT
        JZE  HBTX               ; not watching
        DSZ  PHBLEFT
        JMP  HBTX
        LDI  1                  ; no word from the partner for PHBLIM seconds
        STA  PLOST
        LDA  ROLE
        JNZ  HBLST
        LDI  1
        STA  ROLE               ; the standby takes the work over
        STA  TOOK
        LDI  CE_TAKEOVER
        JMP  HBREP
HBLST:  LDI  CE_LOST            ; the active one carries on alone
HBREP:  LSL  1
        IOR  MYID
        IOR  KTCCS
        CAL  TLMV
HBTX:   JMP  HBTV

; ---------------------------------------------------------------- level 9: mailbox
MBXB:   SCC  SAVC
        STA  SAVA
        INP  CH_MBX
        STA  MBXW
        LSR  12
        CPI  1                  ; MB_HB's code: anything else is not a heartbeat
        JNZ  MBXX
        LDA  PHBLIM
        STA  PHBLEFT            ; heard: the watchdog starts over
        LDI  1
        STA  PHEARD
        LDA  PLOST
        JZE  MBX2
        CLR
        STA  PLOST              ; a partner given up is back
        LDA  KCBACK
        IOR  MYID
        CAL  TLMV
MBX2:   LDA  MBXW
        AND  ROLE
        ANI  1
        JZE  MBXX               ; not two active processors
        LDA  TOOK
        JNZ  MBXX               ; this one took the work over: it keeps it
        LDA  KCYLD
        IOR  MYID
        CAL  TLMV               ; said while still active...
        CLR
        STA  ROLE               ; ...then silent: the standby again
MBXX:   LDA  SAVA
        LCC  SAVC
        RTI  MBXV

; ---------------------------------------------------------------- sums
; SUMB (vector SUMV): A <- the sum, modulo 2^18, of VCKN words from VCKA in this
; processor's memory (CHKSUM's walker: an ADD word advanced with INA). Called by the
; reset entry and the vote check, both outside the interrupt routines.
SUMB:   LDA  KADDV
        STA  CKADD
        LDA  VCKA
        SAF  CKADD
        LDA  VCKN
        STA  CKLEFT
        CLR
SUML:   XCT  CKADD
        INA  CKADD
        DSZ  CKLEFT
        JMP  SUML
        JMP  SUMV

; ---------------------------------------------------------------- vote check
; The background part (entered from IDLE with interrupts open; back to IDLE).
VCRUN:  CAL  SUMV
        STA  VCOWN
        LDA  KLDXV              ; the partner's copy, word by word with LDX
        STA  XLDX
        LDA  VCKA
        SAF  XLDX
        LDA  VCKN
        STA  CKLEFT
        CLR
        STA  VCOTH
VCL:    XCT  XLDX               ; A <- M'[address]
        ADD  VCOTH
        STA  VCOTH
        INA  XLDX
        DSZ  CKLEFT
        JMP  VCL
        DIN                     ; DCMV's and TLMV's return cells are shared with the
        CLR                     ; interrupt routines
        STA  VCREQ
        LDA  MODEW
        JZE  VC1
        LDI  DC_INDIV           ; both processors issue it: one voted pair
        CAL  DCMV
VC1:    LDA  VCOWN
        SUB  REFSUM
        JZE  VC2
        LDI  -1
VC2:    ADI  1
        STA  VCOWN              ; 1: this copy matches its reference, 0: it does not
        LDA  VCOTH
        SUB  REFSUM
        JZE  VC3
        LDI  -1
VC3:    ADI  1
        STA  VCOTH              ; the same for the partner's copy
        CMP  VCOWN
        JZE  VCREP              ; both good (a transient) or both bad: the roles stay
        LDA  VCOWN
        STA  ROLE               ; the good copy's processor is the active one
        JZE  VCREP
        STA  PBAD               ; and no tandem with the bad one again
VCREP:  LDA  MYID               ; the verdict in A/B terms: bit 0 A's copy good,
        JNZ  VCRB               ; bit 1 B's, bit 2 B is the active one
        LDA  VCOTH
        LSL  1
        IOR  VCOWN
        JMP  VCRR
VCRB:   LDA  VCOWN
        LSL  1
        IOR  VCOTH
VCRR:   STA  MBXW               ; (no mailbox word is read while IE = 0)
        LDA  ROLE
        XOR  MYID
        JNZ  VCR5               ; A active
        LDA  MBXW
        IOR  KFOUR
        STA  MBXW
VCR5:   LDA  MBXW
        IOR  KTVOTE
        CAL  TLMV               ; from the active processor only
        EIN
        JMP  IDLE

KMBHB:  .word MB_HB
KTCCS:  .word T_CCS
KTVOTE: .word T_VOTE
KADDV:  ADD  0
KLDXV:  LDX  0
KFOUR:  .word 4
KCBACK: .word T_CCS + CE_BACK + CE_BACK
KCYLD:  .word T_CCS + CE_YIELD + CE_YIELD
