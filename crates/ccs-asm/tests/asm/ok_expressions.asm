; Expressions (spec 11, C10): $, forward references in operands and .word,
; look-back symbols in .org, .zero and .equ, a leading minus.
        .org 0o400
HERE:   .word $                 ; = 0400 000400
        .word $ + 1, $ + 2      ; = 0401 000402 000403
        JMP  $                  ; = 0403 040310
        JMP  $ - 1              ; = 0404 040310
        LDA  FWD                ; = 0405 041240
        .word FWD, FWD - HERE   ; = 0406 000412 000012
        .word -HERE + FWD + 1   ; = 0410 000013
        LDI  -5 + 3             ; = 0411 777641
FWD:    .word -5 - 3            ; = 0412 777770
        .equ  TEN, 10
        .equ  TWELVE, TEN + 2
        .equ  NEGT, -TEN
        ADI   NEGT              ; = 0413 776652
        .word TWELVE, NEGT      ; = 0414 000014 777766
        .equ  AT, $
        .word AT                ; = 0416 000416
        .org  AT + 4
        .word $ - AT            ; = 0422 000004
        .zero TEN - 8           ; = 0423 000000*2
        .word LATE              ; = 0425 000426
LATE:   NOP                     ; = 0426 000001
        JMP  -LATE + LATE + $ - 1 ; = 0427 042610
