; C11: the main file is depth 0; d01.asm ... d16.asm nest down to depth 16, the
; deepest allowed.
        .org 0o1100
        .include "include/depth/d01.asm"
        JMP  DEEPEST            ; = 1101 110010
