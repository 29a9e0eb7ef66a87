; Malformed numbers (spec 11, C10 b).
        .org  0o40
        .word 0x                ; error[malformed-number]: malformed number: no digits after the prefix `0x`
        .word 0O                ; error: no digits after the prefix `0O`
        .word 0o8               ; error: malformed number: `8` is not an octal digit
        .word 0b2               ; error: `2` is not a binary digit
        .word 0xG               ; error: `G` is not a hexadecimal digit
        .word 12a               ; error: `a` is not a decimal digit
        .word 1_000             ; error: `_` is not a decimal digit
        .word 9223372036854775808 ; error: malformed number: it is outside the signed 64-bit range
        .word -9223372036854775808 ; error: it is outside the signed 64-bit range
        .equ  H, 0x10000000000000000 ; error: it is outside the signed 64-bit range
        LDA   0b                ; error: no digits after the prefix `0b`
