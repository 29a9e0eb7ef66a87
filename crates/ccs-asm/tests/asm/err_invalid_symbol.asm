; C5: a symbol may not be a mnemonic (any case) or a directive name without the
; dot (any case), and has at most 31 characters.
        .org 0o100
LDA:    NOP                     ; error[invalid-symbol]: `LDA` cannot be a symbol: it is the mnemonic LDA
lda:    NOP                     ; error: `lda` cannot be a symbol: it is the mnemonic LDA
Hlt:    NOP                     ; error: `Hlt` cannot be a symbol: it is the mnemonic HLT
org:    NOP                     ; error: it is the name of the directive .org
WORD:   NOP                     ; error: it is the name of the directive .word
Zero:   NOP                     ; error: it is the name of the directive .zero
        .equ  equ, 1            ; error: it is the name of the directive .equ
        .equ  SECTION, 1        ; error: it is the name of the directive .section
Include: NOP                    ; error: it is the name of the directive .include
ABCDEFGHIJKLMNOPQRSTUVWXYZ_12345: NOP ; error: is 32 characters long; symbols have at most 31
        JMP  nop                ; error: `nop` cannot be a symbol: it is the mnemonic NOP
        .word 1, Org            ; error: `Org` cannot be a symbol
