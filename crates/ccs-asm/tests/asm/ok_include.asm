; .include: paths are relative to the including file, nest, and may use `..`.
        .org 0o1000
        .include "include/defs.asm"
        LDA  DEFVAL             ; = 1001 123440
        .include "include/sub/../code.asm"
        .word LEAF, CODE, MORE  ; = 1003 001000 001002 001235
