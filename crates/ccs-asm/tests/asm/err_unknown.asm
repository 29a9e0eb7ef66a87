; Unknown mnemonics and directives.
        .org  0o40
        FOO                     ; error[unknown-mnemonic]: unknown mnemonic `FOO`
        LDAX  5                 ; error: unknown mnemonic `LDAX`
START   LDA   5                 ; error: unknown mnemonic `START`
        .orgg 5                 ; error[unknown-directive]: unknown directive `.orgg`
        .                       ; error: unknown directive `.`
        .Byte 1                 ; error: unknown directive `.Byte`
        JMP   AFTER             ; an unknown mnemonic still takes one word:
AFTER:  .word AFTER - $         ; so AFTER follows the three above (no error)
