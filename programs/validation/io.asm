; Validation: input and output (opcodes 15-17): INP OUT DCM, the status word, ERR, and
; the MEMLOAD channels into the FDS and AACS memories. Processor A, all jumpers RW.
        .org 0o40
START:  LDI  1                  ; 1: the status word: identity A, INDIVIDUAL, prime units, RW
        STA  CHECK
        INP  6
        JNZ  FAIL
        LDI  2                  ; 2: DCM 0o101 sets PARALLEL (status bits 2..1 = 1)...
        STA  CHECK
        DCM  0o101
        INP  6
        CPI  0o2
        JNZ  FAIL
        DCM  0o100              ; ...and 0o100 INDIVIDUAL again
        INP  6
        JNZ  FAIL
        LDI  3                  ; 3: DCM 5 swaps the X-band TWTA (status bit 7)
        STA  CHECK
        DCM  5
        INP  6
        CPI  0o200
        JNZ  FAIL
        DCM  5
        LDI  4                  ; 4: INP 7 returns ERR and clears it
        STA  CHECK
        SWI  0                  ; (level 0 pends; ERR is set only by its causes)
        XCT  CHAIN              ; an illegal chain sets ERR[3]
        INP  7
        ANI  0o17
        CPI  0o10
        JNZ  FAIL
        INP  7
        JNZ  FAIL
        LDI  5                  ; 5: FDS memory load and read back through channels 0o20/0o21
        STA  CHECK
        LDI  0o100              ; FLA <- FDS-A word 0o100
        OUT  0o20
        LDA  KF1
        OUT  0o21               ; FDS-A[0o100] <- A[15:0], FLA advances
        LDA  KF2
        OUT  0o21               ; FDS-A[0o101]
        LDI  0o100
        OUT  0o20
        INP  0o21
        CMP  KF1LOW             ; 16 bits kept
        JNZ  FAIL
        INP  0o21
        CMP  KF2
        JNZ  FAIL
        LDI  6                  ; 6: AACS memory load into AACS-B (ALA bit 12 = unit)
        STA  CHECK
        LDA  KALA
        OUT  0o22
        LDA  KF1
        OUT  0o23
        LDA  KALA
        OUT  0o22
        INP  0o23
        CMP  KF1                ; 18 bits kept
        JNZ  FAIL
        LDI  7                  ; 7: channels with no input read 0; the mailbox is empty
        STA  CHECK
        LDI  -1
        INP  0o1234
        JNZ  FAIL
        INP  4
        JNZ  FAIL
        JMP  PASS
CHAIN:  XCT  CHAIN
KF1:    .word 0o712345
KF1LOW: .word 0o112345          ; bits 15..0 of KF1
KF2:    .word 0o054321
KALA:   .word 0o10000 + 0o777   ; AACS-B word 0o777
        .include "common.asm"
