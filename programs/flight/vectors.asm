; vectors.asm: entry vectors (section VECTORS, region DATA). A routine kept in the
; write-protected FIXED region cannot be entered by CAL directly, since CAL writes
; its return cell (spec §5): each is entered through a two-word vector here, the
; return cell followed by a jump to the body, and returns with JMP (or RTI) to it.
        .section VECTORS, 44

; interrupt routines, CALled from the trap cells
ERRV:   .word 0
        JMP  ERRB               ; level 0  ERROR
PWRV:   .word 0
        JMP  PWB                ; level 1  PWRCHK
AACV:   .word 0
        JMP  AACB               ; level 2  AACSIN
CMDV:   .word 0
        JMP  CMDB               ; level 3  CMDPRC
T10V:   .word 0
        JMP  T10B               ; level 4  TARMEX, 10 ms
T1SV:   .word 0
        JMP  T1SB               ; level 5  TARMEX, 1 s
RFV:    .word 0
        JMP  RFB                ; level 7  RFLOSS
FDSV:   .word 0
        JMP  FDSB               ; level 8  FDSREQ
MBXV:   .word 0
        JMP  MBXB               ; level 9  DUAL: the partner's heartbeat
; subroutines with more than one caller
WALKV:  .word 0
        JMP  WALKB              ; TARMEX: run a clock domain's due tables
NXMINV: .word 0
        JMP  NXMINB             ; TARMEX: lower a domain's next due time
TSTRTV: .word 0
        JMP  TSTRTB             ; TARMEX: start a table
TSTOPV: .word 0
        JMP  TSTOPB             ; TARMEX: stop a table
OUTAV:  .word 0
        JMP  OUTAB              ; OUTDRV: AACS coded command
OUTFV:  .word 0
        JMP  OUTFB              ; OUTDRV: FDS coded command
DCMV:   .word 0
        JMP  DCMB               ; OUTDRV: discrete command
TLMV:   .word 0
        JMP  TLMB               ; TLMDRV: telemetry word
MLDV:   .word 0
        JMP  MLDB               ; MEMLOD
CKRQV:  .word 0
        JMP  CKRQB              ; CHKSUM: request
AASWV:  .word 0
        JMP  AAEVB              ; AACSIN: an AACS event (Omen, timeout, odd code)
HBTV:   .word 0
        JMP  HBTB               ; DUAL: the 1 s part (send the heartbeat, watch the partner's)
SUMV:   .word 0
        JMP  SUMB               ; DUAL: the sum of the tables in this memory
