; rfloss.asm: RFLOSS, RF power loss (level 7, channel 0o02; spec §15; DESCANSO Voyager
; telecom. §3.7.3.1). The CCS watches the output power at four points: bit 0 S-band
; exciter, 1 S-band power amplifier, 2 X-band exciter, 3 X-band TWTA (1 = power
; present). Every change of the word is reported (T_RF + word). A unit without power
; is swapped for its redundant twin (DCM 0o0002 + bit number), once: RFSWP remembers
; the swapped pairs, and a pair that loses power again is left to the ground (which
; re-arms RFLOSS with FAULT), so a double failure cannot make the CCS swap back and
; forth. With the emulator's rf_monitors model, the swap itself changes the word again
; (level 7 once more), and the routine then sees the power back.
        .section RFLOSS, 64

RFB:    SCC  SAVC
        STA  SAVA
        INP  CH_RFM
        ANI  0o17
        STA  RFLAST
        IOR  KTRF
        CAL  TLMV
        LDI  1
        STA  RFBIT              ; the monitor bit of unit i = 0..3
        LDI  DC_RF0
        STA  RFDCM              ; and its swap command
        LDI  4
        STA  RFN
RFL:    LDA  RFLAST
        AND  RFBIT
        JNZ  RFNX               ; power present
        LDA  RFSWP
        AND  RFBIT
        JNZ  RFNX               ; swapped once already
        LDA  RFSWP
        IOR  RFBIT
        STA  RFSWP
        LDA  RFDCM
        CAL  DCMV               ; the redundant unit
RFNX:   LDA  RFBIT
        LSL  1
        STA  RFBIT
        INC  RFDCM
        DSZ  RFN
        JMP  RFL
        LDA  SAVA
        LCC  SAVC
        RTI  RFV

KTRF:   .word T_RF
