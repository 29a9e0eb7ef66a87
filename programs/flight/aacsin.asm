; aacsin.asm: AACSIN, the AACS power-code check (level 2, channel 0o01; spec §15, T6).
;
; The AACS sends a power code about every 2 s: 0o37, the heartbeat, or 0o66, "the
; Omen", the AACS's own report that it is in trouble. This load's responses:
; - heartbeat: counted (HBCNT); the watchdog HBLEFT is reloaded with HBLIM (11). The
;   1 s level counts it down, including the tick of the heartbeat's own second, so
;   with no heartbeat it reaches 0 exactly 10 s after the last one: then the backup
;   AACS is selected (DCM 0o0001).
; - the Omen: counted (OMENS), and the backup AACS selected at once. A heartbeat and
;   the Omen differ in three bits (0o37 = 011111, 0o66 = 110110), so no single bit
;   error turns one into the other: one Omen is enough.
; - any other code: reported, no action.
; After a swap, AACSIN is disarmed (AAARM = 0): a later timeout or Omen is reported
; (event + AE_NOARM) but swaps nothing, so two sick units are never swapped back and
; forth every 10 s. The ground re-arms it with FAULT (enable AACSIN).
; Telemetry: T_AACS + event * 64 + power code.
        .section AACSIN, 96

AACB:   SCC  SAVC
        STA  SAVA
        INP  CH_ACP
        ANI  0o77
        STA  AACODE
        CPI  HEARTBEAT
        JNZ  AA2
        INC  HBCNT
        LDA  HBLIM
        STA  HBLEFT             ; alive: the watchdog starts over
        JMP  AAX
AA2:    CPI  OMEN
        JNZ  AA3
        INC  OMENS
        LDI  AE_OMEN
        CAL  AASWV
        JMP  AAX
AA3:    LDI  AE_CODE
        CAL  AASWV
AAX:    LDA  SAVA
        LCC  SAVC
        RTI  AACV

; AAEVT (vector AASWV): an AACS event in A; also called by the 1 s handler for a
; watchdog timeout (with AACODE = 0).
AAEVB:  STA  AAEV
        CPI  AE_CODE
        JZE  AALOG              ; an unknown code is only reported
        LDA  AAARM
        JZE  AANOSW
        LDI  DC_AACS
        CAL  DCMV               ; the other AACS
        INC  AASWPS
        CLR
        STA  AAARM              ; one swap per arming
        LDA  HBLIM
        STA  HBLEFT             ; the new unit gets a whole period to be heard
        JMP  AALOG
AANOSW: LDA  AAEV               ; disarmed: reported only; after a timeout the
        ADI  AE_NOARM           ; watchdog stays at 0 (stopped) until a heartbeat
        STA  AAEV
AALOG:  LDA  AAEV
        LSL  6
        IOR  AACODE
        IOR  KTAACS
        CAL  TLMV
        JMP  AASWV

KTAACS: .word T_AACS
