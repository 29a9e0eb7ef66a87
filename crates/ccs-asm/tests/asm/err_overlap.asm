; The same address emitted twice: two overlapping .org ranges. Reported once per
; statement, naming the first word.
        .org  0o100
        .word 1, 2, 3, 4, 5
        .org  0o102
        NOP                     ; error[overlap]: address 0o0102 emitted twice: it already holds the word from
        NOP                     ; error: address 0o0103 emitted twice
        .org  0o100
        .zero 4                 ; error: address 0o0100 emitted twice
        NOP                     ; error: address 0o0104 emitted twice
