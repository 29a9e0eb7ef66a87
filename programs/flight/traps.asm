; traps.asm: the trap table (TRAPS). Trap cell k holds the one instruction executed
; when level k is accepted (spec §7.4). Real work is entered by CAL through a
; two-word vector in DATA: the trap cells are write-protected, the return cell may
; not be (spec §5).
        .section TRAPS, 32
        .org 0o0000
        CAL  ERRV               ; 0  ERR: protection, XCT chain, vote, parity -> ERROR
        CAL  PWRV               ; 1  PWR: power status word changed -> PWRCHK
        CAL  AACV               ; 2  ACP: AACS power code -> AACSIN
        CAL  CMDV               ; 3  UPL: uplink word -> CMDPRC
        CAL  T10V               ; 4  T10: 10 ms clock -> TARMEX (open only when needed)
        CAL  T1SV               ; 5  T1S: 1 s clock -> TARMEX, AACSIN and CMDLOS timers
        INC  HOURS              ; 6  T1H: a counting interrupt: transparent, no handler
        CAL  RFV                ; 7  RFM: RF monitor word changed -> RFLOSS
        CAL  FDSV               ; 8  FDS: an FDS request word -> FDSREQ
        CAL  MBXV               ; 9  OTH: the other processor's mailbox word -> DUAL
; Levels 10-31 stay closed. Should a fault open one, its NOP absorbs the interrupt:
; A, L, CC and P are kept (§7.4).
        NOP                     ; 10
        NOP                     ; 11
        NOP                     ; 12
        NOP                     ; 13
        NOP                     ; 14
        NOP                     ; 15
        NOP                     ; 16
        NOP                     ; 17
        NOP                     ; 18
        NOP                     ; 19
        NOP                     ; 20
        NOP                     ; 21
        NOP                     ; 22
        NOP                     ; 23
        NOP                     ; 24
        NOP                     ; 25
        NOP                     ; 26
        NOP                     ; 27
        NOP                     ; 28
        NOP                     ; 29
        NOP                     ; 30
        NOP                     ; 31
