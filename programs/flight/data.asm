; data.asm: the load's variables (section DATA, region DATA: 96 words with VECTORS).
        .section DATA, 52

; Configuration: kept across a reset; the ground changes it (TIMER, POKE).
HBLIM:  .word 11                ; AACSIN: heartbeat watchdog reload, 1 s ticks (10 s)
CLLIM:  .word 4320              ; CMDLOS: timer limit, minutes (72 h)
BOOTT:  .word CRUISE            ; the table started by the reset entry (0: none)
BMLT:   .word BML               ; the backup mission load, started by CMDLOS
PHBLIM: .word 3                 ; DUAL: the partner's heartbeat watchdog, 1 s ticks (3 s)
VCKA:   .word CRUISE            ; DUAL: the range the vote check sums: the sequence
VCKN:   .word SEQEND - CRUISE   ;   tables, CRUISE to the end of PORTRAIT

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
MYID:   .word 0                 ; DUAL: this processor, 0 A, 1 B (status word bit 0)
ROLE:   .word 0                 ;   1 active (issues commands and telemetry), 0 standby
PHBLEFT: .word 0                ;   seconds until the partner is given up (0: not watched)
PHEARD: .word 0                 ;   1: the partner has been heard (since reset)
PLOST:  .word 0                 ;   1: the partner fell silent
PBAD:   .word 0                 ;   1: the partner's copy of the tables failed a vote check
TOOK:   .word 0                 ;   1: this processor took the work over
MODEW:  .word 0                 ;   the mode the load last commanded (0, 1, 2)
VCREQ:  .word 0                 ;   1: a vote check is asked for
REFSUM: .word 0                 ;   the tables' sum taken at reset (the vote check's reference)
NFDSR:  .word 0                 ; FDSREQ: FDS requests received
RUNEND:
        .equ NRUN, RUNEND - RUNVARS
