; error.asm: ERROR, the self-error routine (level 0, channel 0o07; spec §15, §7.6).
; Reading channel 0o07 returns ERR and clears it. The routine counts the error
; (ERRCNT), keeps the word (ERRLAST) and reports it: T_ERR + count, then ERR (bit 0
; protection violation with its address in bits 17..6, bit 1 vote, bit 2 parity,
; bit 3 illegal XCT chain). Recovery: the hardware has already refused the bad store
; or XCT and carried on, so the routine only puts back the interrupt mask the load
; wants (MASKW), in case the fault was a flipped MASK bit, and returns to the
; interrupted program. A vote mismatch (ERR[1], TANDEM) also asks for DUAL's vote
; check, which runs in the background loop.
        .section ERROR, 32

ERRB:   SCC  SAVC
        STA  SAVA
        INP  CH_ERR             ; ERR, now cleared
        STA  ERRLAST
        INC  ERRCNT
        LDA  ERRCNT
        ANI  0o7777
        IOR  KTERR
        CAL  TLMV
        LDA  ERRLAST
        CAL  TLMV
        LDA  ERRLAST            ; a vote mismatch (ERR[1]) with the partner still
        ANI  2                  ; heard: the background loop runs the vote check
        JZE  ERX                ; (DUAL), which settles which copy is right
        LDA  PLOST
        JNZ  ERX
        LDI  1
        STA  VCREQ
ERX:    LML  MASKW              ; the load's own mask, whatever a fault did to MASK
        LDA  SAVA
        LCC  SAVC
        RTI  ERRV

KTERR:  .word T_ERR
