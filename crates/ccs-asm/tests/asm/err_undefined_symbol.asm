; Undefined symbols, in every place an expression may stand.
        .org 0o100
        LDA  NOWHERE            ; error[undefined-symbol]: undefined symbol `NOWHERE`
        .word 1, GONE + 1       ; error: undefined symbol `GONE`
        .word ONE + TWO         ; error: undefined symbol `ONE` ; error: undefined symbol `TWO`
Tick:   .word 0
        INC  TICK               ; error: undefined symbol `TICK`
        .equ  E, MISSING        ; error: undefined symbol `MISSING`
        .word E                 ; (E has no value: no second error)
        .org  NOPE              ; error: undefined symbol `NOPE`
        .zero ABSENT            ; error: undefined symbol `ABSENT`
        .section S, NOLIMIT     ; error: undefined symbol `NOLIMIT`
        .equ  SELF, SELF + 1    ; error: used in its own definition
