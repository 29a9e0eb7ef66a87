        .equ MORE, DEFVAL + 1
        .include "../leaf.asm"
