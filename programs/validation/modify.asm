; Validation: memory modify (opcodes 72-77): INC DEC ISZ DSZ INA IND. A is unchanged.
        .org 0o40
START:  LDI  1                  ; 1: INC of 0o377777 overflows to 0o400000; A kept
        STA  CHECK
        LDA  KMAXP
        STA  TEMP
        LDI  9
        INC  TEMP
        JNO  FAIL
        JPL  FAIL
        CPI  9
        JNZ  FAIL
        LDA  TEMP
        CMP  KMINN
        JNZ  FAIL
        LDI  2                  ; 2: DEC of 0 gives 0o777777 (-1), no overflow
        STA  CHECK
        CLR
        STA  TEMP
        DEC  TEMP
        JOV  FAIL
        LDA  TEMP
        CPI  -1
        JNZ  FAIL
        LDI  3                  ; 3: ISZ skips when the result is zero (from -1)
        STA  CHECK
        LDI  -1
        STA  TEMP
        ISZ  TEMP
        JMP  FAIL               ; skipped
        LDI  4                  ; 4: ISZ does not skip otherwise: a three-pass loop
        STA  CHECK
        LDI  -3
        STA  TEMP
        CLR
        STA  COUNT
LOOP:   INC  COUNT
        ISZ  TEMP
        JMP  LOOP
        LDA  COUNT
        CPI  3
        JNZ  FAIL
        LDI  5                  ; 5: DSZ counts down to zero and skips
        STA  CHECK
        LDI  2
        STA  TEMP
        DSZ  TEMP
        JMP  T5                 ; 2 -> 1: no skip
        JMP  FAIL
T5:     DSZ  TEMP
        JMP  FAIL               ; 1 -> 0: skipped
        LDI  6                  ; 6: INA walks a table through an instruction's address field
        STA  CHECK
        CLR
        STA  SUM
        LDI  4
        STA  COUNT
WALK:   LDA  TABLE
        ADD  SUM
        STA  SUM
        INA  WALK
        DSZ  COUNT
        JMP  WALK
        LDA  SUM
        CPI  1 + 2 + 3 + 4
        JNZ  FAIL
        LDI  7                  ; 7: INA leaves the flags alone
        STA  CHECK
        LCC  KCC15
        INA  TEMP
        JZE  FAIL
        JNO  FAIL
        LDI  8                  ; 8: IND increments both memories, flags from our own
        STA  CHECK
        LDA  KMAXP
        STD  DUAL               ; both hold 0o377777
        IND  DUAL
        JNO  FAIL
        LDA  DUAL
        CMP  KMINN
        JNZ  FAIL
        LDX  DUAL
        CMP  KMINN
        JNZ  FAIL
        JMP  PASS
KMAXP:  .word 0o377777
KMINN:  .word 0o400000
KCC15:  .word 15
TABLE:  .word 1, 2, 3, 4
TEMP:   .word 0
COUNT:  .word 0
SUM:    .word 0
DUAL:   .word 0
        .include "common.asm"
