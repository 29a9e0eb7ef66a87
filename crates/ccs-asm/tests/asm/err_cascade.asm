; After an error, what depends on the failed value stays silent: one mistake, one
; message.
        .org  BAD                 ; error: undefined symbol `BAD`
L1:     NOP                       ; address unknown: L1 has no value
        .word L1, L1 + 1          ; silent
        .org  0o100
        LDA   L1                  ; silent
        .equ  E, 5 +              ; error: after `+`
        .word E                   ; silent
        .zero E                   ; silent: the location counter becomes unknown
        NOP                       ; silent: no address, so no overlap is checked
        .org  0o100
        NOP                       ; error: address 0o0100 emitted twice
        .org  0o200
        LDA   5 6                 ; error: found a number
        LDA   NOWHERE             ; error: undefined symbol
