; tick.asm: level 4 counts 10 ms ticks; level 5 hands the count to a 1 s handler
; (the worked example of spec section 14)
        .org 0o0004
        INC  TICKS      ; 0004 006072  trap cell 4: transparent counting interrupt
        CAL  SECH       ; 0005 004411  trap cell 5: call the 1 s handler
        .org 0o0040
START:  LML  MASKW      ; 0040 005730  unmask levels 4 and 5 only
        EIN             ; 0041 000004
IDLE:   WAI             ; 0042 000002
        JMP  IDLE       ; 0043 004210
SECH:   .word 0         ; 0044 000000  return cell, written by CAL
        SCC  SAVEC      ; 0045 006435  save the interrupted flags
        STA  SAVEA      ; 0046 006343
        LDA  TICKS      ; 0047 006040
        STA  LASTT      ; 0050 006243  ticks counted during the last second
        CLR             ; 0051 000057
        STA  TICKS      ; 0052 006043
        INC  SECS       ; 0053 006172
        LDA  SAVEA      ; 0054 006340
        LCC  SAVEC      ; 0055 006434  restore the flags after the LDA
        RTI  SECH       ; 0056 004414  back to the interrupted P, IE <- 1
MASKW:  .word 0o177717  ; 0057 177717  bits 4 and 5 clear = unmasked
TICKS:  .word 0         ; 0060 000000
SECS:   .word 0         ; 0061 000000
LASTT:  .word 0         ; 0062 000000
SAVEA:  .word 0         ; 0063 000000
SAVEC:  .word 0         ; 0064 000000
