; data.asm: the load's variables (section DATA, region DATA: 96 words with VECTORS).
        .section DATA, 60

; Configuration: kept across a reset; the ground changes it (TIMER, POKE).
HBLIM:  .word 11                ; AACSIN: heartbeat watchdog reload, 1 s ticks (10 s)
CLLIM:  .word 4320              ; CMDLOS: timer limit, minutes (72 h)
BOOTT:  .word CRUISE            ; the table started by the reset entry (0: none)
BMLT:   .word BML               ; the backup mission load, started by CMDLOS

; Run-time state: zeroed by the reset entry.
RUNVARS:
MASKW:  .word 0                 ; the interrupt mask the load wants (LML)
FPENA:  .word 0                 ; enabled fault routines (F_ bits)
SECS:   .word 0                 ; TARMEX clocks, in domain order: seconds,
TICKS:  .word 0                 ;   10 ms ticks (only while level 4 is open),
MINS:   .word 0                 ;   minutes
NEXTSEC: .word 0                ; the earliest due time of each domain's tables
NEXTTIC: .word 0
NEXTMIN: .word 0
MINSUB: .word 0                 ; seconds left in this minute
HOURS:  .word 0                 ; level 6 counting interrupt
HBLEFT: .word 0                 ; AACSIN: seconds until the watchdog fires (0: stopped)
HBCNT:  .word 0                 ;   heartbeats received
AAARM:  .word 0                 ;   1: a swap is allowed
OMENS:  .word 0                 ;   Omens received
AASWPS: .word 0                 ;   AACS swaps made
CLLEFT: .word 0                 ; CMDLOS: minutes left (0: stopped)
CLRUNS: .word 0                 ;   runs since the last valid command
RFLAST: .word 0                 ; RFLOSS: the last monitor word
RFSWP:  .word 0                 ;   RF pairs swapped (monitor bits)
PWLAST: .word 0                 ; PWRCHK: the last power status
PWSHED: .word 0                 ;   loads shed
ERRCNT: .word 0                 ; ERROR: errors
ERRLAST: .word 0                ;   the last ERR
CMDCNT: .word 0                 ; CMDPRC: valid commands
CMDREJ: .word 0                 ;   rejected words and commands
CMDST:  .word 0                 ;   1: inside a multi-word command
CMDTO:  .word 0                 ;   seconds left for its next word
NAACS:  .word 0                 ; OUTDRV: AACS coded commands issued
NFDS:   .word 0                 ;   FDS coded commands issued
NDCM:   .word 0                 ;   discrete commands issued
NTLM:   .word 0                 ; TLMDRV: telemetry words sent
CKREQ:  .word 0                 ; CHKSUM: 1 while a checksum is asked for or running
RUNEND:
        .equ NRUN, RUNEND - RUNVARS
