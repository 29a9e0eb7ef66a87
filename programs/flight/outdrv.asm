; outdrv.asm: OUTDRV, the output driver: coded commands to the AACS (OUT 0o10) and to
; the FDS (OUT 0o11), and discrete commands by number. All three are voted classes
; (spec §10.2): in PARALLEL or TANDEM the output units pair them. Each command issued
; is counted (NAACS, NFDS, NDCM).
;
; The pair (DUAL): both processors run the same tables on the same events, but only
; the active one issues, except in PARALLEL or TANDEM (MODEW not 0), where both must
; for the output units to pair their commands. A mode command moves MODEW whether
; this processor issued it or not, so the standby follows the active one into TANDEM
; and both issue the DCM that leaves it. TANDEM is not entered without a fit partner
; (PHEARD, PLOST, PBAD): a processor alone runs the stretch in INDIVIDUAL.
        .section OUTDRV, 64

OUTAB:  STA  OUTW               ; A = the AACS coded command
        LDA  ROLE
        IOR  MODEW
        JZE  OAX                ; a standby in INDIVIDUAL issues nothing
        LDA  OUTW
        OUT  CH_AACS
        INC  NAACS
OAX:    LDA  OUTW
        JMP  OUTAV
OUTFB:  STA  OUTW               ; A = the FDS coded command
        LDA  ROLE
        IOR  MODEW
        JZE  OFX
        LDA  OUTW
        OUT  CH_FDS
        INC  NFDS
OFX:    LDA  OUTW
        JMP  OUTFV
DCMB:   STA  OUTW               ; A = the discrete command number
        CPI  DC_TANDEM
        JNZ  DC1
        LDA  PHEARD
        JZE  DCX                ; no tandem without a fit partner: one heard since
        LDA  PLOST              ; reset, not lost since, its tables not found bad
        IOR  PBAD
        JNZ  DCX
DC1:    LDA  ROLE
        IOR  MODEW
        JZE  DC2
        LDA  OUTW
        SAF  XDCM               ; the number, planted in a DCM word
        XCT  XDCM
        INC  NDCM
DC2:    LDA  OUTW               ; a mode command: MODEW follows it
        SUB  KDCMOD
        JMI  DCX
        CPI  3
        JPL  DCX
        STA  MODEW
DCX:    LDA  OUTW
        JMP  DCMV

KDCMOD: .word DC_MODE
