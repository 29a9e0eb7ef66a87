; constants for ok_include.asm
        .equ DEFVAL, 0o1234
        .include "sub/more.asm"
