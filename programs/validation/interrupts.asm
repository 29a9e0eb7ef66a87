; Validation: the interrupt system (spec §7): priority, trap context, transparency of a
; counting trap cell, a handler called from a trap cell and left with RTI, masked levels
; still pending, and the clock levels.
        .org 0
        INC  CNT0               ; level 0
        .org 4
        INC  CNT4               ; level 4: the 10 ms clock
        CAL  HANDLER            ; level 5: the 1 s clock calls a handler
        .org 20
        INC  CNT20
        INC  CNT21
        .org 0o40
START:  LDI  1                  ; 1: of two pending levels the lower number goes first
        STA  CHECK
        LML  K0                 ; levels 0-15 unmasked (20 and 21 stay masked in MASK[31:16])
        LMH  KHI                ; levels 20 and 21 unmasked
        SWI  21
        SWI  20
        EIN
        NOP                     ; level 20 taken here
        NOP                     ; level 21 taken here
        DIN
        LDA  CNT20
        CPI  1
        JNZ  FAIL
        LDA  CNT21
        CPI  1
        JNZ  FAIL
        LDI  2                  ; 2: a counting trap cell is transparent: A, L, CC unchanged
        STA  CHECK
        LDI  0o55
        STL
        LDI  -3                 ; A = -3: NEG, odd... CC = 0o7
        SWI  20
        EIN
        NOP                     ; INC CNT20 runs in trap context
        DIN
        CPI  -3                 ; A kept
        JNZ  FAIL
        LDL
        CPI  0o55               ; L kept
        JNZ  FAIL
        LDI  3                  ; 3: CC restored after the trap cell (INC set other flags)
        STA  CHECK
        LCC  K5
        SWI  21
        EIN
        NOP
        DIN
        SCC  TEMP
        LDA  TEMP
        CPI  5
        JNZ  FAIL
        LDI  4                  ; 4: masked levels still become pending, and are taken when unmasked
        STA  CHECK
        LMH  KALL               ; everything above 15 masked
        SWI  20
        EIN
        NOP
        DIN
        LDA  CNT20
        CPI  2                  ; not taken yet (still 2 from checks 1 and 2)
        JNZ  FAIL
        LMH  KHI
        EIN
        NOP
        DIN
        LDA  CNT20
        CPI  3
        JNZ  FAIL
        LDI  5                  ; 5: the clock: 100 ticks of 10 ms and the 1 s handler
        STA  CHECK
        LML  M45                ; levels 4 and 5 only
        CLR
        STA  CNT4
        EIN
IDLE:   WAI
        LDA  SECS
        JZE  IDLE               ; until the 1 s handler has run
        DIN
        LDA  CNT4
        CPI  100
        JNZ  FAIL
        LDA  SEENP              ; the handler saw the interrupted P in its return cell:
        ANI  0o77               ; a JMP
        CPI  0o10
        JNZ  FAIL
        JMP  PASS
HANDLER: .word 0                ; return cell: JMP (interrupted P)
        STA  SAVEA
        LDA  HANDLER
        STA  SEENP
        INC  SECS
        LDA  SAVEA
        RTI  HANDLER            ; back, IE <- 1
K0:     .word 0
KHI:    .word 0o177777 - 0o20 - 0o40
KALL:   .word 0o177777
K5:     .word 5
M45:    .word 0o177777 - 0o20 - 0o40
CNT0:   .word 0
CNT4:   .word 0
CNT20:  .word 0
CNT21:  .word 0
SECS:   .word 0
SAVEA:  .word 0
SEENP:  .word 0
TEMP:   .word 0
        .include "common.asm"
