; A section over its limit is a budget finding: the program still assembles (and
; its words are checked below), but the assembly fails with the overflow in words.
        .section FIXED, 3       ; error[section-over-limit]: section `FIXED` over its limit by 2 words: it holds 5 words, its limit is 3
        .org  0o40
        NOP                     ; = 0040 000001
        NOP                     ; = 0041 000001
        .section main
        NOP                     ; = 0042 000001
        .section FIXED
        .word 1, 2, 3           ; = 0043 000001 000002 000003
        .section EXACT, 1
        NOP                     ; = 0046 000001
        .section main, 0        ; error[section-over-limit]: section `main` over its limit by 1 word: it holds 1 word, its limit is 0
