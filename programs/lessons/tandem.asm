; tandem.asm: two processors, one vote (the lesson two-of-everything.ron).
;
; Both processors run this program; processor A sets mode TANDEM. Every second each
; sends the same AACS command, CMDW (OUT 0o10, a voted command): the output units pair
; the two and issue the command once. A bit flipped in one processor's copy of CMDW
; makes the pair differ: nothing is issued, and both processors take level 0 with ERR
; bit 1 (spec 10.2). The error handler reports ERR to the ground and then repairs:
; processor A writes its own CMDW into both memories (STD). With two voters there is no
; majority; this handler trusts A, a choice made for the lesson.
        .org 0o0000
        CAL  ERRH       ; trap cell 0: ERR (a vote mismatch)
        .org 0o0005
        CAL  SECH       ; trap cell 5: the 1 s clock
        .org 0o0040
START:  LML  MASKW      ; unmask levels 0 and 5 only
        INP  0o06       ; status word: bit 0 is this processor's identity
        ANI  1
        JNZ  ARMED      ; B: A alone sets the mode
        DCM  0o0102     ; A: mode TANDEM; from now on the outputs are voted
ARMED:  EIN
IDLE:   WAI
        JMP  IDLE
SECH:   .word 0         ; return cell, written by CAL
        SCC  SAVEC
        STA  SAVEA
        INC  SECS
        LDA  CMDW       ; the command of the second, the same in both processors
        OUT  0o10       ; voted: issued once if A and B agree
        LDA  SAVEA
        LCC  SAVEC
        RTI  SECH
ERRH:   .word 0         ; return cell, written by CAL
        SCC  SAVEC
        STA  SAVEA
        INP  0o07       ; ERR, and clear it: bit 1 is a tandem disagreement
        STA  LASTE
        INC  ERRS
        OUT  0o12       ; telemetry: ERR to the ground (not voted: both send it)
        INP  0o06
        ANI  1
        JNZ  EDONE      ; B does not repair: it may be the one that is wrong
        LDA  CMDW       ; A: its own copy of the command ...
        STD  CMDW       ; ... into both memories
EDONE:  LDA  SAVEA
        LCC  SAVEC
        RTI  ERRH
MASKW:  .word 0o177736  ; bits 0 and 5 clear = levels 0 and 5 unmasked
CMDW:   .word 0o300001  ; the AACS command sent every second
SECS:   .word 0         ; seconds counted
ERRS:   .word 0         ; errors handled
LASTE:  .word 0         ; the latest ERR
SAVEA:  .word 0
SAVEC:  .word 0
