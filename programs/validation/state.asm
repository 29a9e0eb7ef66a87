; Validation: state registers (opcodes 30-37): LML LMH SML SMH LCC SCC LDL STL.
        .org 0o40
START:  LDI  1                  ; 1: LML then SML returns MASK[15:0]
        STA  CHECK
        LML  KM1
        SML  TEMP
        LDA  TEMP
        CMP  KM1
        JNZ  FAIL
        LDI  2                  ; 2: LMH then SMH returns MASK[31:16], independently
        STA  CHECK
        LMH  KM2
        SMH  TEMP
        LDA  TEMP
        CMP  KM2
        JNZ  FAIL
        SML  TEMP               ; the low half kept its value
        LDA  TEMP
        CMP  KM1
        JNZ  FAIL
        LDI  3                  ; 3: LML ignores bits 17-16; SML stores them as 0
        STA  CHECK
        LML  KM3
        SML  TEMP
        LDA  TEMP
        CMP  KM3LOW
        JNZ  FAIL
        LDI  4                  ; 4: LCC loads bits 3..0; SCC stores CC alone
        STA  CHECK
        LCC  KCC
        SCC  TEMP
        LDA  TEMP
        CPI  0o5
        JNZ  FAIL
        LCC  KCC                ; the loaded flags act: NZ set, ODD clear, NEG set
        JZE  FAIL
        JOD  FAIL
        JPL  FAIL
        LDI  5                  ; 5: STL takes A[11:0]; LDL reads it back zero-extended
        STA  CHECK
        LDA  KL
        STL
        CLR
        LDL
        CMP  KLLOW
        JNZ  FAIL
        JMP  PASS
KM1:    .word 0o123456 - 0o100000
KM2:    .word 0o054321
KM3:    .word 0o777777
KM3LOW: .word 0o177777
KCC:    .word 0o777765          ; bits 3..0 = 0101: NEG and NZ
KL:     .word 0o765432
KLLOW:  .word 0o5432
TEMP:   .word 0
        .include "common.asm"
