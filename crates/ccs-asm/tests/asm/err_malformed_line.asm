; Lines that do not follow `[label:] [mnemonic-or-directive [operands]] [; comment]`.
        .org  0o40
        5                       ; error[malformed-line]: expected a label, mnemonic or directive, found a number
A: B:   NOP                     ; error: a line holds at most one label
        : NOP                   ; error: `:` without a label name before it
        .equ  5, 3              ; error: malformed .equ: expected a name, found a number
        .equ  X 5               ; error: malformed .equ: expected `,`, found a number
        .section 7              ; error: malformed .section: expected a name
        .section S 7            ; error: malformed .section: expected `,`, found a number
        .include x              ; error: malformed .include: expected a quoted path, found `x`
        .include "unterminated  ; the string runs to the end of the line, so:
; error(err_malformed_line.asm:11): the path has no closing `"`
        .include ""             ; error: malformed .include: the path is empty
        @                       ; error: found `@`
        .section ABCDEFGHIJKLMNOPQRSTUVWXYZ_12345 ; error[invalid-symbol]: section name `ABCDEFGHIJKLMNOPQRSTUVWXYZ_12345` is 32 characters long
