; mix.asm: the benchmark's representative instruction mix, with no idle time.
; Interrupts stay disabled (reset state), so every step is an instruction.
; Per pass: loads, stores, arithmetic, logic, shifts, a call through a return
; cell, an XCT, a table walk with INA, read-modify-write and conditional jumps.
        .org 0o0040
START:  LDI  0
        STA  SUM
LOOP:   LDA  X          ; memory reference instructions
        ADD  Y
        STA  Z
        XOR  PATTERN
        ASL  3
        AND  Z
        IOR  Y
        LSR  2
        ROL  5
        SUB  X
        CMP  Y
        JMI  NEG
        NOP
NEG:    CAL  ADDSUB     ; call idiom: return cell written by CAL
        XCT  TWICE      ; executes ADI 2
        INC  COUNT
WALK:   LDA  TABLE      ; table walk: INA advances this LDA's address field
        ADD  SUM
        STA  SUM
        INA  WALK
        DSZ  LEFT       ; eight entries per walk
        JMP  LOOP
        LDI  8          ; rewind the walk
        STA  LEFT
        LDA  WALKW
        STA  WALK
        CPI  0
        JNZ  LOOP
        HLT  1          ; never reached
ADDSUB: .word 0
        ADI  -7
        XCH  TEMP
        NGA
        JMP  ADDSUB
TWICE:  ADI  2
WALKW:  LDA  TABLE
X:      .word 0o012345
Y:      .word 0o000777
Z:      .word 0
PATTERN: .word 0o252525
COUNT:  .word 0
SUM:    .word 0
TEMP:   .word 0
LEFT:   .word 8
TABLE:  .word 1, 2, 3, 4, 5, 6, 7, 8
