; Validation: transfers (opcodes 10-14): JMP CAL CAD RET RTI, and the link rule.
        .org 5
        INC  CNT5               ; trap cell 5 counts 1 s ticks (used by check 6)
        .org 12
        INC  CNT12              ; trap cell 12 counts software interrupts
        .org 0o40
START:  LDI  1                  ; 1: JMP transfers and sets L = N
        STA  CHECK
JUMPER: JMP  T1
        JMP  FAIL
T1:     LDL
        CPI  JUMPER + 1
        JNZ  FAIL
        LDI  2                  ; 2: CAL writes a JMP N into the return cell, enters at a + 1
        STA  CHECK
CALLER: CAL  ROUT
        LDA  ROUT                ; the return cell: JMP CALLER + 1
        ANI  0o77
        CPI  0o10               ; opcode JMP
        JNZ  FAIL
        LDA  ROUT
        LSR  6
        CPI  CALLER + 1
        JNZ  FAIL
        LDA  RAN                ; and the routine ran
        CPI  1
        JNZ  FAIL
        LDI  3                  ; 3: RET swaps P and L (a coroutine exit)
        STA  CHECK
        LDI  T3
        STL
BACK:   RET                     ; P <- T3, L <- BACK + 1
        JMP  FAIL
T3:     LDL
        CPI  BACK + 1
        JNZ  FAIL
        LDI  4                  ; 4: CAD writes the return cell in both memories
        STA  CHECK
CADDER: CAD  ROUT2
        LDX  ROUT2               ; processor B's copy
        LSR  6
        CPI  CADDER + 1
        JNZ  FAIL
        LDI  5                  ; 5: RTI takes P from a cell's address field and sets IE
        STA  CHECK
        LML  M12                ; level 12 unmasked
        SWI  12                 ; pending, IE = 0
        RTI  TORTI              ; -> T5, IE <- 1, level 12 is accepted at once
        JMP  FAIL
T5:     DIN
        LDA  CNT12
        CPI  1
        JNZ  FAIL
        LDI  6                  ; 6: RTI does not write L
        STA  CHECK
        LDI  0o77
        STL
        RTI  TORTI6
        JMP  FAIL
T6:     DIN
        LDL
        CPI  0o77
        JNZ  FAIL
        JMP  PASS
ROUT:    .word 0                 ; return cell
        LDI  1
        STA  RAN
        JMP  ROUT                ; return through the cell
ROUT2:   .word 0
        JMP  ROUT2
TORTI:  JMP  T5
TORTI6: JMP  T6
RAN:    .word 0
CNT5:   .word 0
CNT12:  .word 0
M12:    .word 0o177777 - 0o10000
        .include "common.asm"
