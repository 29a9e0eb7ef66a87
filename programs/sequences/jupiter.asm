; jupiter.asm: a Voyager 1 Jupiter near-encounter imaging sequence (section JUPITER).
;
; Illustrative, compressed: five satellite targets, each a scan-platform slew (two
; AACS coded commands, azimuth and elevation) and an imaging burst of narrow-angle
; and wide-angle frame pairs. The burst runs in 10 ms units: the wide-angle shutter
; follows the narrow-angle one by 0.48 s, and a pair comes every 48 s (the frame
; time of Voyager's imaging at 115.2 kbit/s). Level 4 is open only during the bursts.
; The cruise table stands aside for the encounter and is restarted at its end. The
; whole encounter runs in TANDEM: both processors issue every command and the output
; units vote (spec §10.2); the table's first and last entries are the mode commands,
; each a second away from the voted commands around it, so that no command meets a
; mode change in the pairing FIFOs.
; What is historical and what is not: README.md.
        .section JUPITER, 256
        .org 0o6000

JUPITER:
        .word E_DCM + 0, DC_TANDEM                        ; both processors, voted, from here
        .word E_STOP + 0, CRUISE                          ; the cruise sequence stands aside
        .word E_FDS + 1, FD_TLM + TM_IM                   ; encounter imaging telemetry
        .word E_FDS + 0, FD_CAM + 1                       ; cameras on
; Amalthea: slew, then 3 frame pairs
        .word E_AACS + 59, AC_AZ + 2031                   ; azimuth 203.1 deg
        .word E_AACS + 0, AC_EL + 884                     ; elevation 88.4 deg
        .word E_UNIT + 30, U_10MS                         ; 30 s to settle; then 10 ms timing
JAMA:   .word E_FDS + 0, FD_NA + 0o0000 + 12              ; NA filter 0, 0.48 s
        .word E_FDS + 48, FD_WA + 0o2000 + 18             ; WA filter 2, 0.72 s, 0.48 s later
        .word E_NOP + 4000, 0
        .word E_LOOP + 752, 0o030000 + JAMA               ; a pair every 48 s, 3 pairs
        .word E_UNIT + 0, U_SEC                           ; level 4 closes with the last 10 ms table
; Io: slew, then 8 frame pairs
        .word E_AACS + 60, AC_AZ + 1712                   ; azimuth 171.2 deg
        .word E_AACS + 0, AC_EL + 951                     ; elevation 95.1 deg
        .word E_UNIT + 30, U_10MS                         ; 30 s to settle; then 10 ms timing
JIO:    .word E_FDS + 0, FD_NA + 0o1000 + 6               ; NA filter 1, 0.24 s
        .word E_FDS + 48, FD_WA + 0o2000 + 12             ; WA filter 2, 0.48 s, 0.48 s later
        .word E_NOP + 4000, 0
        .word E_LOOP + 752, 0o100000 + JIO                ; a pair every 48 s, 8 pairs
        .word E_UNIT + 0, U_SEC                           ; level 4 closes with the last 10 ms table
; Europa: slew, then 4 frame pairs
        .word E_AACS + 60, AC_AZ + 1905                   ; azimuth 190.5 deg
        .word E_AACS + 0, AC_EL + 822                     ; elevation 82.2 deg
        .word E_UNIT + 30, U_10MS                         ; 30 s to settle; then 10 ms timing
JEUR:   .word E_FDS + 0, FD_NA + 0o2000 + 6               ; NA filter 2, 0.24 s
        .word E_FDS + 48, FD_WA + 0o2000 + 12             ; WA filter 2, 0.48 s, 0.48 s later
        .word E_NOP + 4000, 0
        .word E_LOOP + 752, 0o040000 + JEUR               ; a pair every 48 s, 4 pairs
        .word E_UNIT + 0, U_SEC                           ; level 4 closes with the last 10 ms table
; Ganymede: slew, then 6 frame pairs
        .word E_AACS + 60, AC_AZ + 1544                   ; azimuth 154.4 deg
        .word E_AACS + 0, AC_EL + 1010                    ; elevation 101.0 deg
        .word E_UNIT + 30, U_10MS                         ; 30 s to settle; then 10 ms timing
JGAN:   .word E_FDS + 0, FD_NA + 0o5000 + 6               ; NA filter 5, 0.24 s
        .word E_FDS + 48, FD_WA + 0o2000 + 12             ; WA filter 2, 0.48 s, 0.48 s later
        .word E_NOP + 4000, 0
        .word E_LOOP + 752, 0o060000 + JGAN               ; a pair every 48 s, 6 pairs
        .word E_UNIT + 0, U_SEC                           ; level 4 closes with the last 10 ms table
; Callisto: slew, then 5 frame pairs
        .word E_AACS + 60, AC_AZ + 2207                   ; azimuth 220.7 deg
        .word E_AACS + 0, AC_EL + 790                     ; elevation 79.0 deg
        .word E_UNIT + 30, U_10MS                         ; 30 s to settle; then 10 ms timing
JCAL:   .word E_FDS + 0, FD_NA + 0o3000 + 12              ; NA filter 3, 0.48 s
        .word E_FDS + 48, FD_WA + 0o2000 + 18             ; WA filter 2, 0.72 s, 0.48 s later
        .word E_NOP + 4000, 0
        .word E_LOOP + 752, 0o050000 + JCAL               ; a pair every 48 s, 5 pairs
        .word E_UNIT + 0, U_SEC                           ; level 4 closes with the last 10 ms table
        .word E_FDS + 60, FD_CAM + 0                      ; cameras off
        .word E_DCM + 1, DC_INDIV                         ; out of tandem (a voted pair itself)
        .word E_START + 0, CRUISE                         ; cruise again (it starts with its telemetry format)
        .word E_END + 0, 0
