; Validation: control and interrupt instructions (opcodes 00-07):
; HLT NOP WAI XCT EIN DIN SWI CLP. Level k's trap cell counts its acceptances.
        .org 10
        INC  CNT10              ; trap cell 10
        INC  CNT11              ; trap cell 11
        .org 4
        INC  CNT4               ; trap cell 4: the 10 ms clock
        .org 0o40
START:  LDI  1                  ; 1: NOP changes nothing
        STA  CHECK
        LDI  5
        NOP
        CPI  5
        JNZ  FAIL
        LDI  2                  ; 2: SWI requests a level; EIN lets it be taken
        STA  CHECK
        LML  M10                ; levels 10 and 11 unmasked
        SWI  10
        EIN
        NOP                     ; level 10 is accepted at this boundary
        DIN
        LDA  CNT10
        CPI  1
        JNZ  FAIL
        LDI  3                  ; 3: CLP cancels a request
        STA  CHECK
        SWI  11
        CLP  11
        EIN
        NOP
        DIN
        LDA  CNT11
        JNZ  FAIL
        LDI  4                  ; 4: DIN holds a pending request until EIN
        STA  CHECK
        SWI  11
        NOP
        LDA  CNT11
        JNZ  FAIL
        EIN
        NOP
        DIN
        LDA  CNT11
        CPI  1
        JNZ  FAIL
        LDI  5                  ; 5: XCT executes a word elsewhere as if it stood here
        STA  CHECK
        XCT  LOAD7
        CPI  7
        JNZ  FAIL
        LDI  6                  ; 6: XCT of a jump transfers (and links to the XCT's N)
        STA  CHECK
XJ:     XCT  JUMP
        JMP  FAIL
T6:     LDL
        CPI  XJ + 1
        JNZ  FAIL
        LDI  7                  ; 7: XCT of an XCT is an illegal chain: ERR[3] and the address
        STA  CHECK
        INP  7                  ; clear ERR
        XCT  CHAIN
        INP  7
        STA  TEMP
        LDI  CHAIN              ; expected: CHAIN in bits 17..6, bit 3 set
        LSL  6
        ADI  8
        CMP  TEMP
        JNZ  FAIL
        LDI  8                  ; 8: WAI with IE = 1 waits for the 10 ms tick and takes it
        STA  CHECK
        LML  M4                 ; only level 4 unmasked
        CLR
        STA  CNT4
        EIN
        WAI
        DIN
        LDA  CNT4
        CPI  1
        JNZ  FAIL
        LDI  9                  ; 9: WAI with IE = 0 is a poll: continues, takes nothing
        STA  CHECK
        WAI
        LDA  CNT4
        CPI  1
        JNZ  FAIL
        JMP  PASS
LOAD7:  LDI  7
JUMP:   JMP  T6
CHAIN:  XCT  CHAIN
TEMP:   .word 0
M10:    .word 0o177777 - 0o2000 - 0o4000
M4:     .word 0o177777 - 0o20
CNT4:   .word 0
CNT10:  .word 0
CNT11:  .word 0
        .include "common.asm"
