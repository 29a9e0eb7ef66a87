; chksum.asm: CHKSUM, a memory checksum to telemetry (spec §15): the sum, modulo 2^18,
; of CKN words from CKA, made by advancing the address field of an ADD word with INA.
; The ground compares it with the sum of the load it sent.
;
; A large range takes a while (216 cycles a word: the 2688 words of TRAPS and FIXED
; take 1.16 s), so the sum runs in the background loop with interrupts open; CKRQ, the
; part called by CMDPRC and TARMEX, only records the request. The result is a
; telemetry record: T_CKS + first address, then the sum.
        .section CHKSUM, 64

; CKRQ: a checksum of CKRQN words from address A. Returns A = 0, or A = -1 when one
; is under way already or CKRQN is 0.
CKRQB:  STA  CKA
        LDA  CKREQ
        JNZ  CKRQF
        LDA  CKRQN
        JZE  CKRQF
        STA  CKN
        LDI  1
        STA  CKREQ              ; the background loop takes it after this interrupt
        CLR
        JMP  CKRQV
CKRQF:  LDI  -1
        JMP  CKRQV

; CKRUN: the sum, in the background loop (entered from IDLE with interrupts open).
; The interrupt routines keep A and CC, so the running sum in A survives them.
CKRUN:  LDA  KADD0
        STA  CKADD
        LDA  CKA
        SAF  CKADD              ; ADD first
        LDA  CKN
        STA  CKLEFT
        CLR
CKLP:   XCT  CKADD              ; A <- A + M[address]
        INA  CKADD              ; the next word; INA leaves A and the flags alone
        DSZ  CKLEFT
        JMP  CKLP
        STA  CKRES
        DIN                     ; TLMDRV's return cell is shared with the interrupt
        LDA  CKA                ; routines: no interrupt while it is in use here
        ANI  0o7777
        IOR  KTCKS
        CAL  TLMV
        LDA  CKRES
        CAL  TLMV
        CLR
        STA  CKREQ
        EIN
        JMP  IDLE

KADD0:  ADD  0
KTCKS:  .word T_CKS
