; A tiny program with fault protection, for fault-campaign tests: every second it
; sends a telemetry word with the seconds counted; an error (level 0) is read from ERR,
; reported on telemetry, and the program carries on.
        .section TRAPS
        .org 0
        CAL  ERRV               ; level 0: errors
        .org 5
        CAL  SECV               ; level 5: the 1 s clock
        .section FIXED
        .org 0o40
START:  LML  MASKW
        EIN
IDLE:   WAI
        JMP  IDLE
ERRH:   STA  SAVEA              ; read and clear ERR, report it with a marker bit
        INP  0o07
        IOR  ERRTAG
        OUT  0o12
        LDA  SAVEA
        RTI  ERRV
SECH:   STA  SAVEA
        INC  SECS
        LDA  SECS
        OUT  0o12
        LDA  SAVEA
        RTI  SECV
ERRTAG: .word 0o400000
MASKW:  .word 0o177777 - 0o1 - 0o40
        .section DATA
        .org 0o5200
ERRV:   .word 0                 ; entry vectors: return cell, jump to the routine
        JMP  ERRH
SECV:   .word 0
        JMP  SECH
SECS:   .word 0
SAVEA:  .word 0
