; init.asm: the reset entry and the background loop (section FIXED).
;
; Reset (spec §4) starts here with every level masked and IE = 0. Memory survives a
; reset (plated wire), so the entry rebuilds only the run-time state: counters and
; clocks to zero, every table stopped, timers loaded from their limits (HBLIM, CLLIM,
; which the ground may have changed and which therefore survive), the interrupt mask
; opened, the boot table (the cruise sequence) started. Each processor of the pair runs
; this same load: the identity bit of the status word makes A the active one and B its
; hot standby (DUAL).
        .section FIXED, 128
        .org 0o0040
START:  LDA  KZRUN              ; zero the run-time variables, RUNVARS .. RUNEND,
        STA  XST                ; with an INA walk over a STA word in RW scratch
        LDI  NRUN
        STA  CKLEFT             ; (a scratch counter: the background is not running)
IZRUN:  CLR
        XCT  XST
        INA  XST
        DSZ  CKLEFT
        JMP  IZRUN
        LDA  KZSTATE            ; and the executive's work area: slots, uplink buffer,
        STA  XST                ; temporaries
        LDI  NSTATE
        STA  CKLEFT
IZST:   CLR
        XCT  XST
        INA  XST
        DSZ  CKLEFT
        JMP  IZST
        LDA  KXLD               ; the indexed-access words get their opcodes back, in
        STA  XLD                ; case a fault changed more than their address fields
        LDA  KXJ
        STA  XJ
        LDA  KXDCM
        STA  XDCM
        LDI  60
        STA  MINSUB             ; the first minute ends at t = 60 s
        LDA  KFAR2
        STA  NEXTSEC            ; the clocks are at 0: nothing due anywhere
        STA  NEXTTIC
        STA  NEXTMIN
        LDI  F_ALL
        STA  FPENA              ; the five fault routines enabled and armed
        LDA  HBLIM
        STA  HBLEFT
        LDI  1
        STA  AAARM
        LDA  CLLIM
        STA  CLLEFT
        INP  CH_STAT            ; the pair: which processor is this?
        ANI  1
        STA  MYID
        ADI  -1
        NGA
        STA  ROLE               ; A is active, B its hot standby
        JNZ  IROLE
        LDA  PHBLIM             ; the standby watches the active one from the start;
        STA  PHBLEFT            ; the active one watches from the standby's first word
IROLE:  INP  CH_STAT
        LSR  1
        ANI  3
        STA  MODEW              ; the mode in force (INDIVIDUAL after a reset)
        CAL  SUMV               ; the tables as the ground loaded them: the vote
        STA  REFSUM             ; check's reference (0.3 s, before any level opens)
        LDA  KMRUN
        STA  MASKW              ; MASKW is the mask the load wants; ERROR restores it
        LML  MASKW
        LDA  KTBOOT
        CAL  TLMV               ; "the CCS (re)started", with the load's version
        LDA  BOOTT
        JZE  IDLEIN
        CAL  TSTRTV             ; the boot table
IDLEIN: EIN
; The background loop. Everything else happens in interrupt routines, which run with
; IE = 0 and never nest; only a checksum (1 s or more for a large range) runs out
; here, with interrupts open, so that no clock tick or uplink word is lost meanwhile.
IDLE:   WAI                     ; sleep: the emulator skips straight to the next event
        LDA  VCREQ              ; after each interrupt: a vote check asked for (ERROR)?
        JNZ  VCRUN              ; DUAL's background part; it comes back to IDLE
        LDA  CKREQ              ; a checksum asked for?
        JZE  IDLE
        JMP  CKRUN              ; CHKSUM's background part; it comes back to IDLE

KZRUN:  STA  RUNVARS            ; pristine copies, never executed here
KZSTATE: STA STATE
KXLD:   LDA  0
KXJ:    JMP  0
KXDCM:  DCM  0
KFAR2:  .word FAR
KMRUN:  .word MASK_RUN
KTBOOT: .word T_BOOT + VERSION
