; Symbols (spec 11, C5): case-sensitive, up to 31 characters; names that only
; resemble mnemonics or directive names are fine.
        .org 0o700
ORG2:   .word ORG2              ; = 0700 000700
_x:     .word _x                ; = 0701 000701
Lda1:   .word 1                 ; = 0702 000001
x:      .word 2                 ; = 0703 000002
X:      .word x, X              ; = 0704 000703 000704
A:      .word A                 ; = 0706 000706
ABCDEFGHIJKLMNOPQRSTUVWXYZ_1234: .word 3 ; = 0707 000003
        .word ABCDEFGHIJKLMNOPQRSTUVWXYZ_1234 ; = 0710 000707
        .equ words, 4
        .equ Orgs, 5
        .equ sect, 6
        .equ _equ, 7
        .word words, Orgs, sect, _equ ; = 0711 000004 000005 000006 000007
HLT1:   HLT  HLT1               ; = 0715 071500
