; load.asm: the Voyager CCS flight software load, for both processors.
;
;   ccs asm programs/flight/load.asm --listing load.lst
;   ccs budget programs/flight/load.asm
;   ccs run programs/flight/load.asm --cycles 7d --jumpers WP,WP,RW \
;       --events programs/scenarios/cruise-week.ron --log
;
; Memory (the default allocation map, programs/voyager.ron):
;   0o0000-0o0037  TRAPS      trap cells                          block 0, WP
;   0o0040-0o5177  FIXED      reset entry, executive, drivers,    blocks 0-1 WP
;                             fault protection
;   0o5200-0o5337  DATA       entry vectors, variables            block 2, RW
;   0o5340-0o5357  SCRATCH    save area, indexed-access words
;   0o5400-0o7777  SEQUENCES  executive work area, cruise (+ BML), Jupiter and
;                             Family Portrait tables; 0o7400-0o7777 free for uplinks
; Intended jumpers: WP, WP, RW (blocks 0-2; block 3 is always RW). Reset enters at
; 0o0040 (spec §4). See docs/flight-software.md.
;
; The .org lines of the data regions are given in section main, so that the routine
; and data sections stay relocatable (ccs relocate); TRAPS, the reset entry and the
; sequences (which the ground starts by address) are pinned.

        .include "defs.asm"

        .include "traps.asm"    ; TRAPS, 0o0000
        .include "init.asm"     ; FIXED, 0o0040: reset entry and background loop
        .include "tarmex.asm"
        .include "cmdprc.asm"
        .include "memlod.asm"
        .include "chksum.asm"
        .include "outdrv.asm"
        .include "tlmdrv.asm"
        .include "aacsin.asm"
        .include "cmdlos.asm"
        .include "rfloss.asm"
        .include "pwrchk.asm"
        .include "error.asm"
        .include "dual.asm"
        .include "fdsreq.asm"

        .section main
        .org 0o5200
        .include "vectors.asm"
        .include "data.asm"

        .section main
        .org 0o5340
        .include "scratch.asm"

        .section main
        .org 0o5400
        .include "state.asm"

        .include "../sequences/cruise.asm"      ; CRUISE, 0o5640 (and BML)
        .include "../sequences/jupiter.asm"     ; JUPITER, 0o6000
        .include "../sequences/portrait.asm"    ; PORTRAIT, 0o6400
SEQEND:                                         ; the end of the tables (DUAL's vote check)
