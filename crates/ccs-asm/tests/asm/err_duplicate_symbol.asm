; A name is defined once, whether by a label or by .equ.
        .org 0o100
TWICE:  NOP
TWICE:  NOP                     ; error[duplicate-symbol]: duplicate symbol `TWICE`: already defined at
        .equ  K, 1
        .equ  K, 1              ; error: duplicate symbol `K`
K:      NOP                     ; error: duplicate symbol `K`
        .equ  TWICE, 5          ; error: duplicate symbol `TWICE`
twice:  NOP                     ; symbols are case-sensitive: no error
