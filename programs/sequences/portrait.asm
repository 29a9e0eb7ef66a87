; portrait.asm: the Family Portrait of 14 February 1990 (section PORTRAIT).
;
; Voyager 1's last pictures: a 60-frame mosaic, 39 wide-angle and 21 narrow-angle
; frames, looking back at the Sun and the planets. The narrow-angle frames are taken
; through the violet, blue and green filters (the colour composites, among them the
; Pale Blue Dot); Uranus and Neptune need 15 s exposures. The cameras are warmed for
; three hours first and turned off 34 minutes after the Earth frames, for good.
; Counts, filters, warm-up, the long exposures and the 34 minutes are historical;
; pointing, order, the other exposures, frame spacing and command encodings are
; illustrative (README.md). One unit throughout: seconds. The whole sequence runs in
; TANDEM (both processors, voted), between the two mode commands.
        .section PORTRAIT, 512
        .org 0o6400

PORTRAIT:
        .word E_DCM + 0, DC_TANDEM                        ; both processors, voted, from here
        .word E_STOP + 0, CRUISE                          ; the cruise sequence stands aside
        .word E_FDS + 1, FD_TLM + TM_IM                   ; imaging telemetry, frames to tape
        .word E_FDS + 0, FD_CAMHT + 1                     ; camera warm-up heaters on
        .word E_NOP + 3599, 0                             ; three hours of warm-up
        .word E_NOP + 3600, 0
        .word E_FDS + 3600, FD_CAM + 1                    ; cameras on
        .word E_FDS + 0, FD_CAMHT + 0                     ; heaters off
; The wide-angle mosaic: 3 rows of 13 frames, 3 degrees apart; a frame every 48 s
; (slew, 8 s to settle, shutter). The Sun frame: filter 0, the shortest exposure.
        .word E_AACS + 40, AC_AZ + 1620                   ; WA frame 1
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1650                   ; WA frame 2
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1680                   ; WA frame 3
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1710                   ; WA frame 4
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1740                   ; WA frame 5
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1770                   ; WA frame 6
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1800                   ; WA frame 7
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1830                   ; WA frame 8
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1860                   ; WA frame 9
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1890                   ; WA frame 10
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1920                   ; WA frame 11
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1950                   ; WA frame 12
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1980                   ; WA frame 13
        .word E_AACS + 0, AC_EL + 870
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1620                   ; WA frame 14
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1650                   ; WA frame 15
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1680                   ; WA frame 16
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1710                   ; WA frame 17
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1740                   ; WA frame 18
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1770                   ; WA frame 19
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1800                   ; WA frame 20: the Sun
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o0000 + 0               ; filter 0, 0.005 s
        .word E_AACS + 40, AC_AZ + 1830                   ; WA frame 21
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1860                   ; WA frame 22
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1890                   ; WA frame 23
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1920                   ; WA frame 24
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1950                   ; WA frame 25
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1980                   ; WA frame 26
        .word E_AACS + 0, AC_EL + 900
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1620                   ; WA frame 27
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1650                   ; WA frame 28
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1680                   ; WA frame 29
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1710                   ; WA frame 30
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1740                   ; WA frame 31
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1770                   ; WA frame 32
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1800                   ; WA frame 33
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1830                   ; WA frame 34
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1860                   ; WA frame 35
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1890                   ; WA frame 36
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1920                   ; WA frame 37
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1950                   ; WA frame 38
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
        .word E_AACS + 40, AC_AZ + 1980                   ; WA frame 39
        .word E_AACS + 0, AC_EL + 930
        .word E_FDS + 8, FD_WA + 0o2000 + 18              ; filter 2, 0.72 s
; The narrow-angle frames: seven targets, violet (1), blue (2) and green (5).
        .word E_AACS + 40, AC_AZ + 1625                   ; Neptune
        .word E_AACS + 0, AC_EL + 921
        .word E_FDS + 8, FD_NA + 0o1000 + 384             ; frame 40, Neptune, filter 1, 15.36 s
        .word E_FDS + 96, FD_NA + 0o2000 + 384            ; frame 41, Neptune, filter 2, 15.36 s
        .word E_FDS + 96, FD_NA + 0o5000 + 384            ; frame 42, Neptune, filter 5, 15.36 s
        .word E_AACS + 40, AC_AZ + 1662                   ; Uranus
        .word E_AACS + 0, AC_EL + 905
        .word E_FDS + 8, FD_NA + 0o1000 + 384             ; frame 43, Uranus, filter 1, 15.36 s
        .word E_FDS + 96, FD_NA + 0o2000 + 384            ; frame 44, Uranus, filter 2, 15.36 s
        .word E_FDS + 96, FD_NA + 0o5000 + 384            ; frame 45, Uranus, filter 5, 15.36 s
        .word E_AACS + 40, AC_AZ + 1731                   ; Saturn
        .word E_AACS + 0, AC_EL + 878
        .word E_FDS + 8, FD_NA + 0o1000 + 12              ; frame 46, Saturn, filter 1, 0.48 s
        .word E_FDS + 48, FD_NA + 0o2000 + 12             ; frame 47, Saturn, filter 2, 0.48 s
        .word E_FDS + 48, FD_NA + 0o5000 + 12             ; frame 48, Saturn, filter 5, 0.48 s
        .word E_AACS + 40, AC_AZ + 1883                   ; Jupiter
        .word E_AACS + 0, AC_EL + 893
        .word E_FDS + 8, FD_NA + 0o1000 + 6               ; frame 49, Jupiter, filter 1, 0.24 s
        .word E_FDS + 48, FD_NA + 0o2000 + 6              ; frame 50, Jupiter, filter 2, 0.24 s
        .word E_FDS + 48, FD_NA + 0o5000 + 6              ; frame 51, Jupiter, filter 5, 0.24 s
        .word E_AACS + 40, AC_AZ + 1818                   ; Mars
        .word E_AACS + 0, AC_EL + 897
        .word E_FDS + 8, FD_NA + 0o1000 + 18              ; frame 52, Mars, filter 1, 0.72 s
        .word E_FDS + 48, FD_NA + 0o2000 + 18             ; frame 53, Mars, filter 2, 0.72 s
        .word E_FDS + 48, FD_NA + 0o5000 + 18             ; frame 54, Mars, filter 5, 0.72 s
        .word E_AACS + 40, AC_AZ + 1809                   ; Venus
        .word E_AACS + 0, AC_EL + 902
        .word E_FDS + 8, FD_NA + 0o1000 + 3               ; frame 55, Venus, filter 1, 0.12 s
        .word E_FDS + 48, FD_NA + 0o2000 + 3              ; frame 56, Venus, filter 2, 0.12 s
        .word E_FDS + 48, FD_NA + 0o5000 + 3              ; frame 57, Venus, filter 5, 0.12 s
        .word E_AACS + 40, AC_AZ + 1794                   ; Earth
        .word E_AACS + 0, AC_EL + 898
        .word E_FDS + 8, FD_NA + 0o1000 + 18              ; frame 58, Earth, filter 1, 0.72 s
        .word E_FDS + 48, FD_NA + 0o2000 + 18             ; frame 59, Earth, filter 2, 0.72 s
        .word E_FDS + 48, FD_NA + 0o5000 + 18             ; frame 60, Earth, filter 5, 0.72 s: the Pale Blue Dot
        .word E_FDS + 2040, FD_CAM + 0                    ; 34 minutes later: the cameras off for good
        .word E_DCM + 1, DC_INDIV                         ; out of tandem (a voted pair itself)
        .word E_START + 0, CRUISE                         ; back to cruise
        .word E_END + 0, 0
