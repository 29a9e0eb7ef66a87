; fdsreq.asm: FDSREQ, requests from the FDS (level 8, channel 0o05). The Flight Data
; Subsystem formats the telemetry, and asks the CCS for what only the CCS may command.
; A request word has its code in bits 17..12 and an argument in bits 11..0:
;   FR_TLM  (1)  switch the telemetry format to the argument (0..0o77): the CCS issues
;                the FDS coded command FD_TLM + argument, as a table's E_FDS would
;   FR_STAT (2)  report the CCS's status: T_STAT + MYID, then the status value (bit 0
;                active, bit 1 partner lost, bit 2 partner's tables bad, bits 4..3 mode)
; Every request is counted (NFDSR) and answered: T_FDSR + code * 64 + outcome
; (FO_DONE, or FO_BAD for an unknown code or an argument out of range). Both
; processors take the request; the active one answers (OUTDRV, TLMDRV).
        .section FDSREQ, 64

FDSB:   SCC  SAVC
        STA  SAVA
        INC  NFDSR
        INP  CH_FDSR
        STA  MBXW               ; (the mailbox handler does not run meanwhile: IE = 0)
        LSR  12
        CPI  FR_TLM
        JZE  FDTLM
        CPI  FR_STAT
        JZE  FDSTA
        LDI  FO_BAD             ; no such request
        JMP  FDREP
FDTLM:  LDA  MBXW
        ANI  0o7700
        JNZ  FDBAD              ; formats are 0..0o77
        LDA  MBXW
        ANI  0o77
        IOR  KFDTLM
        CAL  OUTFV
        JMP  FDOK
FDSTA:  LDA  MYID
        IOR  KTSTAT
        CAL  TLMV
        LDA  MODEW
        LSL  1
        IOR  PBAD
        LSL  1
        IOR  PLOST
        LSL  1
        IOR  ROLE
        CAL  TLMV
FDOK:   LDI  FO_DONE
        JMP  FDREP
FDBAD:  LDI  FO_BAD
FDREP:  STA  OUTW               ; the answer: code * 64 + outcome
        LDA  MBXW
        LSR  12
        ANI  0o77
        LSL  6
        IOR  OUTW
        IOR  KTFDSR
        CAL  TLMV
        LDA  SAVA
        LCC  SAVC
        RTI  FDSV

KFDTLM: .word FD_TLM
KTSTAT: .word T_STAT
KTFDSR: .word T_FDSR
