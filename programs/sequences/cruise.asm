; cruise.asm: the cruise sequence and the backup mission load (section CRUISE).
;
; CRUISE is the boot table: the reset entry starts it. Every day (minute unit):
;   01:00  magnetometer calibration on (FDS), 01:10 off
;   06:00  checksum of TRAPS and FIXED (0o0000-0o5177) to telemetry
;   08:00  telemetry to tape playback (for a 70 m antenna pass)
;   12:00  telemetry back to cruise science
; and on the first day of each week, at 00:30, a magnetometer calibration roll (AACS).
; Times count from the table's start. Illustrative: see README.md.
        .section CRUISE, 96
        .org 0o5640

CRUISE: .word E_FDS + 0, FD_TLM + TM_CR5        ; cruise science telemetry
        .word E_UNIT + 0, U_MIN                 ; minutes from here on
CRWEEK: .word E_AACS + 30, AC_MAGROL + 1        ; 00:30 day 0: magnetometer roll
        .word E_GOTO + 0, CRDAY1
CRDAY:  .word E_NOP + 30, 0                     ; 00:30 days 1-6
CRDAY1: .word E_FDS + 30, FD_MAGC + 1           ; 01:00 magnetometer calibration
        .word E_FDS + 10, FD_MAGC + 0           ; 01:10
        .word E_CKS + 290, 0o520000             ; 06:00 sum of 42 * 64 words from 0
        .word E_FDS + 120, FD_TLM + TM_PB       ; 08:00 tape playback
        .word E_FDS + 240, FD_TLM + TM_CR5      ; 12:00 cruise science
        .word E_NOP + 720, 0                    ; 24:00
        .word E_LOOP + 0, 0o070000 + CRDAY      ; days 1-6 of the week...
        .word E_GOTO + 0, CRWEEK                ; ...then a new week

; The backup mission load (DESCANSO Voyager telecom. §3.7.3.3): started by CMDLOS
; after its fourth run; it begins two weeks after the first Command Loss run (the
; runs are 72 h apart, so 5 days after the fourth), replaces the cruise table and
; keeps cruise science and the daily calibration going without the ground.
BML:    .word E_UNIT + 0, U_MIN
BMLW:   .word E_NOP + 1440, 0                   ; one day...
        .word E_LOOP + 0, 0o050000 + BMLW       ; ...five times
        .word E_STOP + 0, CRUISE
        .word E_FDS + 0, FD_TLM + TM_BML        ; backup cruise telemetry
BMLDAY: .word E_FDS + 60, FD_MAGC + 1           ; 01:00 magnetometer calibration
        .word E_FDS + 10, FD_MAGC + 0           ; 01:10
        .word E_CKS + 290, 0o520000             ; 06:00 checksum
        .word E_NOP + 1080, 0                   ; 24:00
        .word E_GOTO + 0, BMLDAY
