; state.asm: the executive's work area (section SEQUENCES, region SEQUENCES). The
; DATA region is 96 words, so the table slots, the uplink buffer and the routines'
; temporaries live here, in the writable sequence memory. Zeroed by the reset entry.
        .section SEQUENCES, 144

STATE:
SLOTS:  .zero 80                ; NSLOTS slots of SLOTW words: BASE (table address,
                                ; 0 = free), PTR (unit * 4096 + next entry), DUE (its
                                ; time in the unit's clock), LOOP (passes left)
; TARMEX
NHIGH:  .word 0                 ; one past the highest slot in use
WMINR:  .word 0                 ; WALK: the least due - now of the domain's tables
WDOM:   .word 0                 ; the domain being walked (= unit)
WNOW:   .word 0                 ; its clock
WSLOT:  .word 0                 ; address of the slot being walked
WLEFT:  .word 0                 ; slots left
WBUD:   .word 0                 ; entries this table may still run in this walk
WT:     .word 0
WT2:    .word 0
CBASE:  .word 0                 ; the walked slot, copied
CPTR:   .word 0
CDUE:   .word 0
CLOOP:  .word 0
CCTL:   .word 0                 ; the entry being run
CVAL:   .word 0
MDOM:   .word 0                 ; NXMIN: domain, due time, now, due - now
MDUE:   .word 0
MNOW:   .word 0
MT:     .word 0
TSADR:  .word 0                 ; TSTRT/TSTOP: table address, slot pointer, slots left,
TSP:    .word 0                 ;   first free slot, first due time
TSN:    .word 0
TSFREE: .word 0
TSDUE:  .word 0
; CMDPRC
CWORD:  .word 0                 ; the word received
COP:    .word 0                 ; opcode and argument of the command being decoded
CARG:   .word 0
CMDN:   .word 0                 ; its data words
CMDK:   .word 0                 ; received so far
CSUM:   .word 0                 ; their running sum (for the check word)
CFR:    .word 0                 ; FAULT: routine, FPENA bit, MASK bit
CFB:    .word 0
CFL:    .word 0
MLKIND: .word 0                 ; MEMLOD: 0 CCS, 1 FDS, 2 AACS
UPBUF:  .zero UPBUFN            ; the uplink buffer: address word, then up to 15 words
; CHKSUM
CKRQN:  .word 0                 ; words asked for
CKA:    .word 0                 ; first address, count and result of the sum
CKN:    .word 0
CKRES:  .word 0
; OUTDRV, TLMDRV, DUAL
OUTW:   .word 0                 ; the command being issued
TLMW:   .word 0                 ; the telemetry word being sent
MBXW:   .word 0                 ; the partner's mailbox word
VCOWN:  .word 0                 ; the vote check's sums: this copy, the partner's
VCOTH:  .word 0
XLDX:   LDX  0                  ; the vote check's walker over the partner's memory
STEND:
        .equ NSTATE, STEND - STATE
