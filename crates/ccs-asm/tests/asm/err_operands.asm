; Missing and forbidden operands (spec 11 table).
        .org  0o40
        LDA                     ; error[missing-operand]: missing operand: LDA needs an address (0..4095)
        SWI                     ; error: missing operand: SWI needs a level (0..31)
        LDI                     ; error: missing operand: LDI needs a signed immediate (-2048..2047)
        NOP   1                 ; error[forbidden-operand]: forbidden operand: NOP takes no operand
        CLR   A                 ; error: forbidden operand: CLR takes no operand
        RET   0                 ; error: forbidden operand: RET takes no operand
        LDA   1, 2              ; error: too many operands: LDA takes one
        .org                    ; error: missing operand: .org needs an address 0..4095
        .zero                   ; error: missing operand: .zero needs a word count
        .word                   ; error: missing operand: .word needs at least one value
        .equ                    ; error: missing operand: .equ needs a name and a value
        .equ  X                 ; error: missing operand: .equ needs a value after the name
        .equ  Y,                ; error: missing operand: .equ needs a value after the comma
        .section                ; error: missing operand: .section needs a name
        .section S,             ; error: missing operand: a limit in words expected after the comma
        .include                ; error: missing operand: .include needs a quoted path
        .org  1, 2              ; error: too many operands: .org takes one
        .zero 1, 2              ; error: too many operands: .zero takes one
        .equ  Z, 1, 2           ; error: too many operands: .equ takes a name and one value
        .section T, 1, 2        ; error: too many operands: .section takes a name and an optional limit
        .include "include/empty.asm", "x" ; error: too many operands: .include takes one path
