; Validation: conditional jumps (opcodes 20-27). Each flag pattern is loaded with LCC
; and every jump is tried taken and not taken; a taken jump sets L (the link rule).
        .org 0o40
START:  LDI  1                  ; 1: CC = 0: zero, plus, even parity, no overflow
        STA  CHECK
        LCC  CC0
        JNZ  FAIL
        JMI  FAIL
        JOD  FAIL
        JOV  FAIL
        LDI  2                  ; 2: ...and the opposite jumps are taken
        STA  CHECK
        LCC  CC0
        JZE  T2A
        JMP  FAIL
T2A:    JPL  T2B
        JMP  FAIL
T2B:    JEV  T2C
        JMP  FAIL
T2C:    JNO  T2D
        JMP  FAIL
T2D:    LDI  3                  ; 3: CC = 15: nonzero, minus, odd, overflow
        STA  CHECK
        LCC  CC15
        JZE  FAIL
        JPL  FAIL
        JEV  FAIL
        JNO  FAIL
        LDI  4                  ; 4: ...and the opposite jumps are taken
        STA  CHECK
        LCC  CC15
        JNZ  T4A
        JMP  FAIL
T4A:    JMI  T4B
        JMP  FAIL
T4B:    JOD  T4C
        JMP  FAIL
T4C:    JOV  T4D
        JMP  FAIL
T4D:    LDI  5                  ; 5: a taken jump writes L = N (its own address + 1)
        STA  CHECK
        LCC  CC15
LINKED: JNZ  T5
        JMP  FAIL
T5:     LDL
        CPI  LINKED + 1
        JNZ  FAIL
        LDI  6                  ; 6: a jump not taken leaves L alone
        STA  CHECK
        LDI  0o123
        STL
        LCC  CC0
        JNZ  FAIL
        LDL
        CPI  0o123
        JNZ  FAIL
        LDI  7                  ; 7: jumps leave CC unchanged
        STA  CHECK
        LCC  CC15
        JOV  T7
T7:     SCC  TEMP
        LDA  TEMP
        CPI  15
        JNZ  FAIL
        JMP  PASS
CC0:    .word 0
CC15:   .word 15
TEMP:   .word 0
        .include "common.asm"
