; Validation: logic, shifts and rotates (opcodes 60-71):
; AND IOR XOR ANI ASL ASR LSL LSR ROL ROR, including counts 0, 17, 18 and 31.
        .org 0o40
START:  LDI  1                  ; 1: AND
        STA  CHECK
        LDA  KA
        AND  KB
        CMP  KAB
        JNZ  FAIL
        LDI  2                  ; 2: IOR
        STA  CHECK
        LDA  KA
        IOR  KB
        CMP  KAOB
        JNZ  FAIL
        LDI  3                  ; 3: XOR with itself is zero
        STA  CHECK
        LDA  KA
        XOR  KA
        JNZ  FAIL
        LDI  4                  ; 4: ANI clears A[17:12]
        STA  CHECK
        LDI  -1
        ANI  0o7777
        CMP  K7777
        JNZ  FAIL
        LDI  5                  ; 5: ASL 3 of 1 is 8, no overflow
        STA  CHECK
        LDI  1
        ASL  3
        JOV  FAIL
        CPI  8
        JNZ  FAIL
        LDI  6                  ; 6: ASL 1 of 0o200000 overflows (bits 17 and 16 differ)
        STA  CHECK
        LDA  K2E16
        ASL  1
        JNO  FAIL
        CMP  KMINN
        JNZ  FAIL
        LDI  7                  ; 7: ASL 31 of any nonzero value: 0 with OVF
        STA  CHECK
        LDI  1
        ASL  31
        JNO  FAIL
        JNZ  FAIL
        LDI  8                  ; 8: ASR keeps the sign: -8 >> 2 = -2
        STA  CHECK
        LDI  -8
        ASR  2
        CPI  -2
        JNZ  FAIL
        LDI  9                  ; 9: ASR 17 and more of a negative value: -1
        STA  CHECK
        LDA  KMINN
        ASR  31
        CPI  -1
        JNZ  FAIL
        LDI  10                 ; 10: LSL 18 clears A
        STA  CHECK
        LDI  -1
        LSL  18
        JNZ  FAIL
        LDI  11                 ; 11: LSR fills with zeros: 0o400000 >> 17 = 1
        STA  CHECK
        LDA  KMINN
        LSR  17
        CPI  1
        JNZ  FAIL
        LDI  12                 ; 12: LSL 0 tests A without changing it
        STA  CHECK
        LDA  KMINN
        LSL  0
        JPL  FAIL
        CMP  KMINN
        JNZ  FAIL
        LDI  13                 ; 13: ROL 1 brings bit 17 round to bit 0
        STA  CHECK
        LDA  KMINN
        ROL  1
        CPI  1
        JNZ  FAIL
        LDI  14                 ; 14: a rotate by 18 is the identity; ROR 19 = ROR 1
        STA  CHECK
        LDA  KA
        ROL  18
        CMP  KA
        JNZ  FAIL
        LDI  1
        ROR  19
        CMP  KMINN
        JNZ  FAIL
        JMP  PASS
KA:     .word 0o707070
KB:     .word 0o770077
KAB:    .word 0o700070
KAOB:   .word 0o777077
K7777:  .word 0o7777
K2E16:  .word 0o200000
KMINN:  .word 0o400000
        .include "common.asm"
