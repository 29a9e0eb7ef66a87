; Every operand kind of spec 11 at both ends of its range (the err_operand_range
; file has the values just outside).
        .org 0o200
        LDA  0              ; = 0200 000040
        LDA  4095           ; = 0201 777740
        XCT  0o7777         ; = 0202 777703
        INP  0              ; = 0203 000015
        OUT  0o7777         ; = 0204 777716
        DCM  4095           ; = 0205 777717
        LDI  -2048          ; = 0206 400041
        LDI  2047           ; = 0207 377741
        LDI  -1             ; = 0210 777741
        LDI  0              ; = 0211 000041
        ADI  -2048          ; = 0212 400052
        CPI  2047           ; = 0213 377754
        ANI  0              ; = 0214 000063
        ANI  4095           ; = 0215 777763
        SWI  0              ; = 0216 000006
        SWI  31             ; = 0217 003706
        CLP  31             ; = 0220 003707
        ASL  0              ; = 0221 000064
        ASL  31             ; = 0222 003764
        ROR  31             ; = 0223 003771
        HLT                 ; = 0224 000000
        HLT  0              ; = 0225 000000
        HLT  4095           ; = 0226 777700
