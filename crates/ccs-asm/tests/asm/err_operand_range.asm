; Operand values just outside each kind's range (spec 11 table).
        .org 0o100
        LDA  -1                 ; error[out-of-range]: value -1 is out of range for LDA: it takes an address (0..4095)
        JMP  4096               ; error: value 4096 (0o10000) is out of range for JMP: it takes an address (0..4095)
        INP  4096               ; error: out of range for INP: it takes a channel (0..4095)
        OUT  -1                 ; error: out of range for OUT: it takes a channel (0..4095)
        DCM  0o10000            ; error: out of range for DCM: it takes a discrete command (0..4095)
        LDI  -2049              ; error: value -2049 is out of range for LDI: it takes a signed immediate (-2048..2047)
        ADI  2048               ; error: value 2048 (0o4000) is out of range for ADI
        CPI  4095               ; error: out of range for CPI: it takes a signed immediate (-2048..2047)
        ANI  -1                 ; error: out of range for ANI: it takes an unsigned immediate (0..4095)
        ANI  4096               ; error: out of range for ANI
        SWI  32                 ; error: value 32 (0o40) is out of range for SWI: it takes a level (0..31)
        CLP  -1                 ; error: out of range for CLP: it takes a level (0..31)
        ASL  32                 ; error: out of range for ASL: it takes a shift count (0..31)
        ROR  -1                 ; error: out of range for ROR: it takes a shift count (0..31)
        HLT  4096               ; error: out of range for HLT: it takes an optional halt code (0..4095)
        HLT  -1                 ; error: out of range for HLT
        XCT  FAR                ; error: value 5000 (0o11610) is out of range for XCT
        .equ  FAR, 5000
