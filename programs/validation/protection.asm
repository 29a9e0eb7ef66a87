; Validation: memory protection (spec §5). Run with jumpers WP, RO, RW:
;     ccs run programs/validation/protection.asm --cycles 1s --jumpers WP,RO,RW
; The code and its variables live in block 3 (always RW); only the reset jump and the
; targets of the stores are in the protected blocks.
        .org 0
        INC  CNT0               ; level 0: a suppressed write requests it
        .org 0o40
        JMP  START              ; reset starts here, in block 0
WPWORD: .word 0o111             ; block 0: write-protected
        JMP  T6                 ; where CAL WPWORD enters (check 6)
        .org 0o2000
ROWORD: .word 0o222             ; block 1: read-only
        .org 0o6000
START:  LDI  1                  ; 1: a program store into a WP block is suppressed...
        STA  CHECK
        INP  7                  ; clear ERR
        LDI  0o777
        STA  WPWORD
        LDA  WPWORD
        CPI  0o111
        JNZ  FAIL
        LDI  2                  ; 2: ...with ERR[0] and the address in ERR[17:6]
        STA  CHECK
        INP  7
        STA  TEMP
        LDI  WPWORD
        LSL  6
        ADI  1
        CMP  TEMP
        JNZ  FAIL
        LDI  3                  ; 3: ...and level 0 requested
        STA  CHECK
        LML  K0
        EIN
        NOP
        DIN
        LDA  CNT0
        CPI  1
        JNZ  FAIL
        LDI  4                  ; 4: MLD may write a WP block
        STA  CHECK
        LDI  0o444
        MLD  WPWORD
        LDA  WPWORD
        CPI  0o444
        JNZ  FAIL
        LDI  5                  ; 5: MLD may not write an RO block
        STA  CHECK
        INP  7
        LDI  0o555
        MLD  ROWORD
        LDA  ROWORD
        CPI  0o222
        JNZ  FAIL
        INP  7
        ANI  0o17
        CPI  1
        JNZ  FAIL
        LDI  6                  ; 6: CAL with its return cell in a WP block still transfers...
        STA  CHECK
        INP  7
        CAL  WPWORD             ; enters at WPWORD + 1, which jumps to T6
        JMP  FAIL
T6:     LDA  WPWORD             ; ...but its return cell was not written
        CPI  0o444
        JNZ  FAIL
        INP  7
        ANI  0o17
        CPI  1
        JNZ  FAIL
        JMP  PASS
TEMP:   .word 0
CNT0:   .word 0
K0:     .word 0o177776          ; level 0 unmasked
        .include "common.asm"
