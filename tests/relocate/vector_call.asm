; Start code pinned at 0o40 calls WORK (relocatable, FIXED) through a vector in DATA
; (relocatable); WORK computes 42 into RESULT; the start code prints it.
        .section FIXED
        .org 0o40
START:  CAL  VEC
        LDA  RESULT
        OUT  0o17
        HLT
        .section CMDLOS
WORK:   LDI  21
        ADI  21
        STA  RESULT
        JMP  VEC
        .section DATA
VEC:    .word 0
        JMP  WORK
RESULT: .word 0
