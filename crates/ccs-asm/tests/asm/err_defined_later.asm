; .org, .zero, .equ and section limits may use only symbols defined earlier
; (spec 11, C6 b); instruction operands and .word may look ahead.
        .org 0o100
        .equ  A, LATER + 1      ; error[defined-later]: symbol `LATER` is defined later (at
        .zero COUNT             ; error[defined-later]: symbol `COUNT` is defined later
        .org  0o200
        .section S, SIZE        ; error[defined-later]: symbol `SIZE` is defined later
        .org  TARGET            ; error[defined-later]: only use symbols defined earlier
        .org  0o300
LATER:  .word LATER, A          ; operands may look ahead; A has no value: silent
TARGET: .word 0
        .equ  COUNT, 2
        .equ  SIZE, 10
