; A label may not share a line with .org, .equ or .include (spec 11).
START:  .org 0o40               ; error[label-not-allowed]: a label cannot share a line with .org
CONST:  .equ K, 5               ; error: a label cannot share a line with .equ
FILE:   .include "include/empty.asm" ; error: a label cannot share a line with .include
        .word START, CONST, K   ; the labels are known (without a value): no more errors
