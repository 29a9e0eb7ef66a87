; Validation: load and store (opcodes 40-47): LDA LDI LDX STA STD MLD XCH SAF.
; Run with processor B held (the default): LDX and STD reach B's memory anyway.
        .org 0o40
START:  LDI  1                  ; 1: LDA loads and sets NEG ODD NZ (0o400001: minus, two ones: even)
        STA  CHECK
        LDA  KNEG
        JPL  FAIL
        JOD  FAIL
        CMP  KNEG
        JNZ  FAIL
        LDI  2                  ; 2: LDI sign-extends its 12-bit field
        STA  CHECK
        LDI  -1
        CMP  KALL
        JNZ  FAIL
        LDI  2047
        CMP  K2047
        JNZ  FAIL
        LDI  3                  ; 3: STA then LDA round-trips a word
        STA  CHECK
        LDA  KNEG
        STA  TEMP
        CLR
        LDA  TEMP
        CMP  KNEG
        JNZ  FAIL
        LDI  4                  ; 4: STD writes both memories; LDX reads the other one
        STA  CHECK
        LDA  KPAT
        STD  DUAL
        CLR
        LDX  DUAL
        CMP  KPAT
        JNZ  FAIL
        LDA  DUAL
        CMP  KPAT
        JNZ  FAIL
        LDI  5                  ; 5: MLD stores like STA (in RW memory)
        STA  CHECK
        LDI  77
        MLD  TEMP
        LDA  TEMP
        CPI  77
        JNZ  FAIL
        LDI  6                  ; 6: XCH exchanges A and memory
        STA  CHECK
        LDI  11
        STA  TEMP
        LDI  22
        XCH  TEMP
        CPI  11
        JNZ  FAIL
        LDA  TEMP
        CPI  22
        JNZ  FAIL
        LDI  7                  ; 7: SAF stores A[11:0] into the address field, keeps the opcode
        STA  CHECK
        LDI  TEMP2
        SAF  PATCH              ; PATCH: LDA 0 becomes LDA TEMP2
        LDI  0o345
        STA  TEMP2
        CLR
PATCH:  LDA  0
        CPI  0o345
        JNZ  FAIL
        JMP  PASS
KNEG:   .word 0o400001
KALL:   .word 0o777777
K2047:  .word 2047
KPAT:   .word 0o525252
TEMP:   .word 0
TEMP2:  .word 0
DUAL:   .word 0
        .include "common.asm"
