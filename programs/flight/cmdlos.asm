; cmdlos.asm: CMDLOS, command loss (spec §15; T6; DESCANSO Voyager telecom. §3.7.3).
;
; The timer CLLEFT counts minutes on the 1 s level (every 60th tick) from CLLIM
; (default 4320 min = 72 h), and every valid uplink command reloads it (CMDPRC's
; CVALID). When it runs out, the spacecraft presumes it can no longer receive
; commands and switches redundant hardware, one step per run:
;   run 1: the other command receiver                    (DCM 0o0006)
;   run 2: the other receiver and the other detector unit (DCM 0o0006, DCM 0o0201)
;   run 3: the other receiver                            (DCM 0o0006)
;   run 4: the other receiver and the other detector unit (DCM 0o0006, DCM 0o0201)
; so the four runs try the four receiver/detector pairs, the fourth returning to the
; pair the spacecraft started with. After each run the timer restarts. After the
; fourth, CMDLOS disables itself and starts the backup mission load (the BML table,
; address in BMLT), as the Voyager routine does. The detector unit is not emulated:
; DCM 0o0201 is logged without effect.
; Telemetry: T_CL + run number; T_CL + 5 when the BML is started.
        .section CMDLOS, 64

CLRUN:  INC  CLRUNS
        LDI  DC_RCVR
        CAL  DCMV               ; the other command receiver
        LDA  CLRUNS
        ANI  1
        JNZ  CLR1               ; odd runs: the receiver only
        LDI  DC_CDU
        CAL  DCMV               ; even runs: the other detector unit as well
CLR1:   LDA  CLRUNS
        IOR  KTCL
        CAL  TLMV
        LDA  CLLIM
        STA  CLLEFT             ; the timer starts over for the next run
        LDA  CLRUNS
        CPI  4
        JMI  CLRX
        CLR                     ; the fourth run: Command Loss disables itself...
        STA  CLLEFT
        LDA  FPENA
        AND  KNFCL
        STA  FPENA
        LDA  BMLT
        CAL  TSTRTV             ; ...and the backup mission load takes over
        LDA  KTCLB
        CAL  TLMV
CLRX:   JMP  T1S4               ; back to the 1 s handler

KTCL:   .word T_CL
KTCLB:  .word T_CL + 5
KNFCL:  .word 0o777777 - F_CMDLOS
