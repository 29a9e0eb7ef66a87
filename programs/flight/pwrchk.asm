; pwrchk.asm: PWRCHK, the power check (level 1, channel 0o03; spec §15, T6). Every
; change of the power status word (bit 0 bus undervoltage, bit 1 overload) is
; reported (T_PWR + status). On either condition the routine sheds loads with the
; discrete commands of SHEDTAB, once (PWSHED); whether and when to restore them is
; the ground's decision (DCM commands), and FAULT (enable PWRCHK) re-arms the routine.
; The shedding commands are this load's own numbers, which the emulator logs without
; an effect (spec §9.2).
        .section PWRCHK, 64

PWB:    SCC  SAVC
        STA  SAVA
        INP  CH_PWR
        ANI  3
        STA  PWLAST
        IOR  KTPWR
        CAL  TLMV
        LDA  PWLAST
        JZE  PWX                ; power normal
        LDA  PWSHED
        JNZ  PWX                ; shed already
        INC  PWSHED
        LDA  KSHLDA             ; walk SHEDTAB with an LDA in RW scratch
        STA  XLD
PWL:    XCT  XLD
        JZE  PWX                ; 0 ends the table
        CAL  DCMV               ; (DCMV leaves XLD alone)
        INA  XLD
        JMP  PWL
PWX:    LDA  SAVA
        LCC  SAVC
        RTI  PWRV

KTPWR:  .word T_PWR
KSHLDA: LDA  SHEDTAB
SHEDTAB: .word DC_SHED1, DC_SHED2, DC_SHED3, 0
