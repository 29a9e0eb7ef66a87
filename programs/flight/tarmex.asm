; tarmex.asm: TARMEX, the timing and region management executive (spec §15): a
; master table driver running up to NSLOTS = 20 timed tables from the 10 ms and 1 s
; levels. The table format is in docs/flight-software.md; in short, an entry is
;       .word KIND + delay, value
; where the delay (0..4095) counts in the table's current unit from the time of the
; previous entry (for the first, from the table's time zero: see TSTRT), and KIND is
; one of the E_ names of defs.asm.
;
; Three clock domains, one per unit: SECS (1 s, counted on level 5), TICKS (10 ms,
; level 4) and MINS (1 min, every 60th second). A slot keeps the absolute time of its
; next entry (DUE) in its domain's clock, and each domain keeps the earliest DUE of
; its tables (NEXTSEC, NEXTTIC, NEXTMIN). A tick costs one compare; the slots are
; walked only when something is due. Times are compared as signed differences, so a
; due time may lie at most FAR (131071) ticks ahead: 36 h in seconds, which the 12-bit
; delays never approach.
;
; Level 4 is open only while some table runs in 10 ms: a quiet cruise wakes the
; processor about 1.5 times a second (the 1 s tick, a heartbeat every 2 s), which is
; what makes a simulated week pass in a fraction of a wall second.
        .section TARMEX, 512

; ---------------------------------------------------------------- level 4: 10 ms
T10B:   SCC  SAVC               ; handlers save A and CC of the background loop (a
        STA  SAVA               ; checksum may be running there); they never nest
        INC  TICKS
        LDA  TICKS
        SUB  NEXTTIC            ; >= 0 once the earliest 10 ms entry is due
        JMI  T10X
        LDI  U_10MS
        STA  WDOM
        CAL  WALKV
T10X:   LDA  SAVA
        LCC  SAVC               ; LCC after the LDA: the flags come back last
        RTI  T10V

; ---------------------------------------------------------------- level 5: 1 s
; Besides the tables, the 1 s level carries the timers of the fault routines and of
; the uplink: each costs a test or two per second until it expires.
T1SB:   SCC  SAVC
        STA  SAVA
        CAL  HBTV               ; DUAL: the heartbeat to the partner, and its watchdog
        LDA  HBLEFT             ; AACSIN's heartbeat watchdog (0: stopped)
        JZE  T1S2
        DSZ  HBLEFT
        JMP  T1S2
        CLR                     ; no heartbeat for HBLIM - 1 = 10 s
        STA  AACODE
        LDI  AE_TIMEOUT
        CAL  AASWV
T1S2:   LDA  CMDST              ; CMDPRC: a multi-word command under way?
        JZE  T1S3
        DSZ  CMDTO
        JMP  T1S3
        JMP  CMDTMO             ; its next word is overdue; CMDPRC comes back to T1S3
T1S3:   DSZ  MINSUB             ; the minute prescaler
        JMP  T1S5
        LDI  60
        STA  MINSUB
        INC  MINS
        LDA  CLLEFT             ; CMDLOS's timer, in minutes (0: stopped)
        JZE  T1S4
        DSZ  CLLEFT
        JMP  T1S4
        JMP  CLRUN              ; expired: one Command Loss run; it comes back to T1S4
T1S4:   LDA  MINS
        SUB  NEXTMIN
        JMI  T1S5
        LDI  U_MIN
        STA  WDOM
        CAL  WALKV
T1S5:   INC  SECS
        LDA  SECS
        SUB  NEXTSEC
        JMI  T1SX
        CLR                     ; U_SEC
        STA  WDOM
        CAL  WALKV
T1SX:   LDA  SAVA
        LCC  SAVC
        RTI  T1SV

; ---------------------------------------------------------------- WALK
; Run every table of domain WDOM whose next entry is due, and rebuild that domain's
; NEXT from the tables that remain in it. No index registers: a slot word is reached
; by planting its address in XLD (LDA) or XST (STA) with SAF and executing it with XCT,
; then INA to the next word. Rule kept throughout: SAF and the XCT that uses it stand
; in one straight run with no call between them (callees plant their own addresses).
;
; Speed matters here more than anywhere: at 88 us an instruction the CCS runs only
; about 110 instructions per 10 ms tick, and a 10 ms walk that took two ticks would
; lose one (a request for a level already pending is lost, spec §7.2) and put the
; 10 ms clock behind. So only slots below NHIGH (one past the highest slot in use)
; are visited, a slot is read only as far as needed (BASE, PTR, DUE, then LOOP if
; due) and written back only when run, and the domain's minimum is kept inline.
WALKB:  LDA  WDOM
        ADD  KCLOCK
        SAF  XLD
        XCT  XLD                ; now, in the domain's clock
        STA  WNOW
        ADD  KFAR
        STA  WT
        LDA  WDOM
        ADD  KNXT
        SAF  XST
        LDA  WT
        XCT  XST                ; NEXT[d] <- now + FAR (a table started meanwhile
        LDA  KFAR               ; lowers it); WMINR: the least due - now seen
        STA  WMINR
        LDA  KSLOTS
        STA  WSLOT
        LDA  NHIGH
        JZE  WDONE
        STA  WLEFT
WLOOP:  LDA  WSLOT
        SAF  XLD
        XCT  XLD                ; BASE
        JZE  WSKIP              ; a free slot
        STA  CBASE
        INA  XLD
        XCT  XLD                ; PTR
        STA  CPTR
        LSR  12
        ANI  3
        CMP  WDOM
        JNZ  WSKIP              ; a table of another domain
        INA  XLD
        XCT  XLD                ; DUE
        STA  CDUE
        LDA  WNOW
        SUB  CDUE
        JMI  WLATER             ; not due yet
        INA  XLD
        XCT  XLD                ; LOOP
        STA  CLOOP
        LDI  WBUDGET
        STA  WBUD
        JMP  WRUN               ; run its due entries; back at WBACK
WBACK:  LDA  WSLOT              ; store the slot back
        SAF  XST
        LDA  CBASE
        XCT  XST
        INA  XST
        LDA  CPTR
        XCT  XST
        INA  XST
        LDA  CDUE
        XCT  XST
        INA  XST
        LDA  CLOOP
        XCT  XST
        LDA  CBASE
        JZE  WSKIP              ; the table ended
        LDA  CPTR
        LSR  12
        ANI  3
        CMP  WDOM
        JZE  WLATER
        STA  MDOM               ; a UNIT entry moved it to another domain
        LDA  CDUE
        CAL  NXMINV
        JMP  WSKIP
WLATER: LDA  CDUE
        SUB  WNOW
        CMP  WMINR
        JPL  WSKIP
        STA  WMINR              ; the earliest so far
WSKIP:  LDA  WSLOT
        ADI  SLOTW
        STA  WSLOT
        DSZ  WLEFT
        JMP  WLOOP
WTRIM:  LDA  NHIGH              ; free slots at the top no longer count
        JZE  WDONE
        ADI  -1
        LSL  2                  ; SLOTW = 4
        ADD  KSLOTS
        SAF  XLD
        XCT  XLD
        JNZ  WDONE
        DEC  NHIGH
        JMP  WTRIM
WDONE:  LDA  WDOM
        STA  MDOM
        LDA  WNOW
        ADD  WMINR
        CAL  NXMINV             ; NEXT[d] <- min(NEXT[d], now + WMINR)
        LDA  WDOM               ; a 10 ms walk that left no 10 ms table closes level 4
        CPI  U_10MS
        JNZ  WEND
        LDA  WMINR
        SUB  KFAR
        JNZ  WEND
        LDA  NEXTTIC            ; (nor did a table enter the domain meanwhile)
        SUB  TICKS
        SUB  KFAR
        JNZ  WEND
        LDA  MASKW
        IOR  KLV4
        STA  MASKW
        LML  MASKW              ; (IE is 0 until the handler's RTI)
WEND:   JMP  WALKV

; Run the due entry at CPTR, and the entries after it while they are due.
WRUN:   LDA  CPTR
        ANI  0o7777
        SAF  XLD
        XCT  XLD                ; control word: kind and delay
        STA  CCTL
        INA  XLD
        XCT  XLD                ; value word
        STA  CVAL
        LDA  CPTR
        ADI  2                  ; the following entry, unless this one jumps
        STA  CPTR
        LDA  CCTL
        LSR  12
        CPI  NKINDS
        JPL  KBAD               ; no such kind: the table is stopped
        ADD  KJTAB
        SAF  XJ
        XCT  XJ                 ; JMP JTAB + kind, which jumps to the kind's code
JTAB:   JMP  K_END              ; 0  E_END
        JMP  K_AACS             ; 1  E_AACS
        JMP  K_FDS              ; 2  E_FDS
        JMP  K_DCM              ; 3  E_DCM
        JMP  K_TLM              ; 4  E_TLM
        JMP  K_UNIT             ; 5  E_UNIT
        JMP  K_GOTO             ; 6  E_GOTO
        JMP  K_LOOP             ; 7  E_LOOP
        JMP  K_START            ; 8  E_START
        JMP  K_STOP             ; 9  E_STOP
        JMP  K_CKS              ; 10 E_CKS
        JMP  KNEXT              ; 11 E_NOP: only its delay counts

K_END:  CLR
        STA  CBASE              ; the slot is free
        JMP  WBACK
K_AACS: LDA  CVAL
        CAL  OUTAV
        JMP  KNEXT
K_FDS:  LDA  CVAL
        CAL  OUTFV
        JMP  KNEXT
K_DCM:  LDA  CVAL
        CAL  DCMV
        JMP  KNEXT
K_TLM:  LDA  CVAL
        CAL  TLMV
        JMP  KNEXT
K_UNIT: LDA  CVAL
        JMI  KBAD
        CPI  3
        JPL  KBAD               ; units are 0 (1 s), 1 (10 ms) and 2 (1 min)
        STA  WT
        ADD  KCLOCK
        SAF  XLD
        XCT  XLD
        STA  CDUE               ; the next delay counts from now, in the new unit
        LDA  WT
        LSL  12
        STA  WT2
        LDA  CPTR
        ANI  0o7777
        IOR  WT2
        STA  CPTR
        LDA  WT
        CMP  WDOM
        JZE  KNEXT
        CPI  U_10MS
        JNZ  KLEAVE             ; another domain: that domain's walks take it from here
        INC  CDUE               ; into 10 ms: the next tick is the first it can use
        JMP  KLEAVE
K_GOTO: LDA  CPTR
        AND  KHIGH              ; keep the unit
        STA  WT
        LDA  CVAL
        ANI  0o7777
        IOR  WT
        STA  CPTR
        JMP  KNEXT
K_LOOP: LDA  CLOOP              ; 0: not inside this loop yet
        JNZ  KLOOP1
        LDA  CVAL
        LSR  12                 ; the pass count
        JZE  KNEXT              ; 0 runs the body once, like 1
        STA  CLOOP
KLOOP1: DSZ  CLOOP
        JMP  K_GOTO             ; passes left: back to the address in the value
        JMP  KNEXT              ; done, and CLOOP is 0 again for the next loop
K_START: LDA CVAL
        ANI  0o7777
        CMP  CBASE
        JZE  KSELF
        CAL  TSTRTV             ; no free slot: nothing started (the ground sees it)
        JMP  KNEXT
KSELF:  CLR                     ; a table starting itself goes back to its start
        STA  CLOOP
        JMP  K_GOTO
K_STOP: LDA  CVAL
        ANI  0o7777
        JZE  KSTALL
        CMP  CBASE
        JZE  K_END              ; stopping itself
        CAL  TSTOPV
        JMP  KNEXT
KSTALL: CAL  TSTOPV             ; 0: every table, this one as well
        JMP  K_END
K_CKS:  LDA  CVAL
        LSR  12
        LSL  6                  ; blocks of 64 words
        STA  CKRQN
        LDA  CVAL
        ANI  0o7777
        CAL  CKRQV              ; one under way already: this one is skipped
        JMP  KNEXT

; The next entry's time is this entry's time plus its delay: a table that loops keeps
; its period exactly, however late a walk ran.
KNEXT:  LDA  CPTR
        ANI  0o7777
        SAF  XLD
        XCT  XLD
        ANI  0o7777
        ADD  CDUE
        STA  CDUE
        LDA  WNOW
        SUB  CDUE
        JMI  WBACK              ; not due yet
        DSZ  WBUD
        JMP  WRUN               ; due as well (a zero delay)
        JMP  KBAD               ; WBUDGET entries in one walk: a table that never waits
KLEAVE: LDA  CPTR
        ANI  0o7777
        SAF  XLD
        XCT  XLD
        ANI  0o7777
        ADD  CDUE
        STA  CDUE
        JMP  WBACK
KBAD:   LDA  CPTR               ; report where the table stood, and stop it
        ANI  0o7777
        IOR  KTTBL
        CAL  TLMV
        JMP  K_END

; ---------------------------------------------------------------- NXMIN
; NEXT[MDOM] <- the earlier of NEXT[MDOM] and A, a due time in that domain. A table in
; the 10 ms domain opens level 4; CLP 4 first, so that a request left pending while
; the level was closed does not count a tick early.
NXMINB: STA  MDUE
        LDA  MDOM
        ADD  KCLOCK
        SAF  XLD
        XCT  XLD
        STA  MNOW
        LDA  MDUE
        SUB  MNOW
        STA  MT                 ; due - now
        LDA  MDOM
        ADD  KNXT
        SAF  XLD
        SAF  XST
        XCT  XLD
        SUB  MNOW               ; next - now
        SUB  MT
        JMI  NXM2               ; NEXT is earlier
        JZE  NXM2
        LDA  MDUE
        XCT  XST
NXM2:   LDA  MDOM
        CPI  U_10MS
        JNZ  NXMX
        LDA  MASKW
        ANI  LV4
        JZE  NXMX               ; open already
        CLP  4
        LDA  MASKW
        AND  KNLV4
        STA  MASKW
        LML  MASKW
NXMX:   JMP  NXMINV

; ---------------------------------------------------------------- TSTRT
; Start the table at address A, in seconds: restart it where it runs already, else
; take the first free slot (below NHIGH, or slot NHIGH). Its time zero is the next
; 1 s tick: a table started by an uplink word at t = 10 s runs its first entry with
; delay d at t = 10 + d s. Returns A = 0, or A = -1 (NZ) when the address is 0 or
; all NSLOTS slots are taken.
TSTRTB: ANI  0o7777
        JZE  TSFAIL
        STA  TSADR
        LDA  KSLOTS
        STA  TSP
        CLR
        STA  TSFREE
        LDA  NHIGH
        JZE  TSNEW
        STA  TSN
TSL:    LDA  TSP
        SAF  XLD
        XCT  XLD                ; the slot's BASE
        JZE  TSFR
        CMP  TSADR
        JZE  TSGOT              ; this table: restart it in place
        JMP  TSNX
TSFR:   LDA  TSFREE
        JNZ  TSNX
        LDA  TSP
        STA  TSFREE             ; the first free slot
TSNX:   LDA  TSP
        ADI  SLOTW
        STA  TSP
        DSZ  TSN
        JMP  TSL
        LDA  TSFREE
        JZE  TSNEW
        STA  TSP
        JMP  TSGOT
TSNEW:  LDA  NHIGH              ; no free slot below NHIGH: slot NHIGH (TSP points
        CPI  NSLOTS             ; at it now), if there is one
        JPL  TSFAIL
        INC  NHIGH
TSGOT:  LDA  TSADR
        SAF  XLD
        XCT  XLD
        ANI  0o7777             ; the first delay, in seconds from time zero: the
        ADD  SECS               ; first 1 s tick the executive has not processed yet
        ADI  1                  ; (SECS counts those it has)
        STA  TSDUE
        LDA  TSP
        SAF  XST
        LDA  TSADR
        XCT  XST                ; BASE
        INA  XST
        XCT  XST                ; PTR: the first entry, unit 0 (seconds)
        INA  XST
        LDA  TSDUE
        XCT  XST                ; DUE
        INA  XST
        CLR
        XCT  XST                ; LOOP
        STA  MDOM               ; U_SEC
        LDA  TSDUE
        CAL  NXMINV
        CLR
        JMP  TSTRTV
TSFAIL: LDI  -1
        JMP  TSTRTV

; ---------------------------------------------------------------- TSTOP
; Stop the table at address A; A = 0 stops every table. (The walks trim NHIGH.)
TSTOPB: ANI  0o7777
        STA  TSADR
        LDA  KSLOTS
        STA  TSP
        LDA  NHIGH
        JZE  TPX
        STA  TSN
TPL:    LDA  TSP
        SAF  XLD
        SAF  XST
        XCT  XLD
        JZE  TPNX               ; free already
        LDA  TSADR
        JZE  TPCLR              ; 0: all of them
        XCT  XLD
        CMP  TSADR
        JNZ  TPNX
TPCLR:  CLR
        XCT  XST                ; BASE <- 0: the slot is free
TPNX:   LDA  TSP
        ADI  SLOTW
        STA  TSP
        DSZ  TSN
        JMP  TPL
TPX:    JMP  TSTOPV

KCLOCK: .word SECS              ; the three clocks: SECS, TICKS, MINS (domain order)
KNXT:   .word NEXTSEC           ; and their next due times
KSLOTS: .word SLOTS
KFAR:   .word FAR
KHIGH:  .word 0o770000
KJTAB:  .word JTAB
KLV4:   .word LV4
KNLV4:  .word 0o777777 - LV4
KTTBL:  .word T_TBL
