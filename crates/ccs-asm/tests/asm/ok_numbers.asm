; Numbers (spec 11 and C10): decimal by default, prefixes and hex digits in either
; case, unary minus, the whole signed 64-bit range.
        .org 0o300
        .word 017               ; = 0300 000021
        .word 00012             ; = 0301 000014
        .word 0o17, 0O17        ; = 0302 000017 000017
        .word 0x1f, 0XfF, 0xAb  ; = 0304 000037 000377 000253
        .word 0b101, 0B11       ; = 0307 000005 000003
        .word -1, -0o400000     ; = 0311 777777 400000
        .word 262143, 0         ; = 0313 777777 000000
        LDA  0x0FfF             ; = 0315 777740
        LDI  -0b1               ; = 0316 777741
        .equ BIG, 9223372036854775807
        .equ BIGX, 0x7FFFFFFFFFFFFFFF
        .equ BIGO, 0o777777777777777777777
        .equ B63, 0b111111111111111111111111111111111111111111111111111111111111111
        .equ MOST_NEGATIVE, -9223372036854775807 - 1
        .word BIG - BIGX + 3    ; = 0317 000003
        .word BIGO - B63        ; = 0320 000000
        .word MOST_NEGATIVE + BIG + 1 ; = 0321 000000
