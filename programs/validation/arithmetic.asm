; Validation: arithmetic and accumulator instructions (opcodes 50-57):
; ADD SUB ADI CMP CPI NGA CPL CLR, with every flag they set (spec §8.3).
        .org 0o40
START:  LDI  1                  ; 1: ADD without overflow
        STA  CHECK
        LDI  5
        ADD  K7
        CPI  12
        JNZ  FAIL
        LDI  2                  ; 2: 0o377777 + 1 overflows to 0o400000: OVF NEG, odd
        STA  CHECK
        LDA  KMAXP
        ADD  K1
        JNO  FAIL
        JPL  FAIL
        JEV  FAIL
        JZE  FAIL
        CMP  KMINN
        JNZ  FAIL
        LDI  3                  ; 3: -1 + 1 = 0 clears every flag
        STA  CHECK
        LDI  -1
        ADD  K1
        JOV  FAIL
        JNZ  FAIL
        JMI  FAIL
        JOD  FAIL
        LDI  4                  ; 4: SUB 0o400000 - 1 overflows to 0o377777
        STA  CHECK
        LDA  KMINN
        SUB  K1
        JNO  FAIL
        JMI  FAIL
        CMP  KMAXP
        JNZ  FAIL
        LDI  5                  ; 5: ADI sign-extends: 0 + (-2048)
        STA  CHECK
        CLR
        ADI  -2048
        JPL  FAIL
        CMP  KM2048
        JNZ  FAIL
        LDI  6                  ; 6: CMP leaves A, sets the flags of A - M
        STA  CHECK
        LDI  3
        CMP  K7                 ; 3 - 7 < 0
        JPL  FAIL
        CPI  3                  ; A still 3
        JNZ  FAIL
        LDI  7                  ; 7: CPI overflow: 0o400000 - 1
        STA  CHECK
        LDA  KMINN
        CPI  1
        JNO  FAIL
        CMP  KMINN              ; A unchanged
        JNZ  FAIL
        LDI  8                  ; 8: NGA of 0o400000 overflows and stays
        STA  CHECK
        LDA  KMINN
        NGA
        JNO  FAIL
        CMP  KMINN
        JNZ  FAIL
        LDI  9                  ; 9: NGA of 5 is -5; NGA of 0 clears OVF
        STA  CHECK
        LDI  5
        NGA
        CPI  -5
        JNZ  FAIL
        CLR
        NGA
        JOV  FAIL
        JNZ  FAIL
        LDI  10                 ; 10: CPL is the ones' complement and keeps OVF
        STA  CHECK
        LDA  KMAXP
        ADD  K1                 ; sets OVF
        LDA  KPAT
        CPL
        JNO  FAIL               ; OVF kept (CPL is a logic instruction)
        CMP  KPATC
        JNZ  FAIL
        LDI  11                 ; 11: CLR: A = 0, NEG ODD NZ clear, OVF kept
        STA  CHECK
        LDA  KMAXP
        ADD  K1
        CLR
        JNO  FAIL
        JNZ  FAIL
        JOD  FAIL
        JMP  PASS
K1:     .word 1
K7:     .word 7
KMAXP:  .word 0o377777
KMINN:  .word 0o400000
KM2048: .word -2048
KPAT:   .word 0o252525
KPATC:  .word 0o525252
        .include "common.asm"
