; Every directive, names in any case; labels on .word, .zero and .section lines;
; section limits met exactly; a label standing alone.
        .org 0o500
        .ORG 0o500
LAB:    .word 1                 ; = 0500 000001
        .Word 1, -1, 0o400000, -131072, 262143 ; = 0501 000001 777777 400000 400000 777777
        .zero 0
Z:      .zero 3                 ; = 0506 000000*3
        .equ  FIVE, 5
        .EQU  SIX, FIVE + 1
        .section TRAPS, 2
        .word FIVE, SIX         ; = 0511 000005 000006
        .section main
ALONE:
        .section TRAPS
        .Section Other
        NOP                     ; = 0513 000001
        .section main, 100
        .section Sized, $ - $ + 1
        NOP                     ; = 0514 000001
SECT:   .SECTION main
        .word SECT, ALONE, Z, LAB ; = 0515 000515 000513 000506 000500
        .org 0o600
        .include "include/empty.asm"
        .INCLUDE "include/empty.asm"
        nop                     ; = 0600 000001
	Jmp	SECT		; = 0601 051510
