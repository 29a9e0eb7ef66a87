; Malformed expressions (spec 11 grammar `[-] term {(+|-) term}`, C10 a and b).
        .org  0o40
        .word 5 + -3            ; error[malformed-expression]: a minus sign may only begin an expression
        .word --5               ; error: a minus sign may only begin an expression
        .word 5 - -3            ; error: a minus sign may only begin an expression
        .word +5                ; error: expected a number, a symbol or `$`, found `+`
        .word 5 +               ; error: expected a number, a symbol or `$` after `+`
        .word -                 ; error: after `-`
        .word 5 6               ; error: expected `+`, `-` or the end of the operand, found a number
        .word (5)               ; error: found `(`
        .word $$                ; error: found `$`
        .word 1,, 2             ; error: expected a number, a symbol or `$`
        .word 1,                ; error: expected a number, a symbol or `$`
        LDA   5 * 2             ; error: found `*`
        .equ  BIG, 9223372036854775807
        .equ  MIN, -BIG - 1
        .word BIG + 1           ; error[out-of-range]: expression out of range: it leaves the signed 64-bit range
        .word -MIN              ; error[out-of-range]: it leaves the signed 64-bit range
        .equ  WRAP, MIN - 1     ; error[out-of-range]: it leaves the signed 64-bit range
        .org  BIG + BIG         ; error[out-of-range]: it leaves the signed 64-bit range
