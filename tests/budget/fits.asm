; A small program laid out by the Voyager map: it fits.
        .section TRAPS
        .org 4
        INC  TICKS              ; level 4 counts ticks
        .section FIXED, 8
        .org 0o40
START:  LML  MASKW
        EIN
IDLE:   WAI
        JMP  IDLE
        .section DATA
        .org 0o5200
MASKW:  .word 0o177757          ; level 4 unmasked
TICKS:  .word 0
