; cmdprc.asm: CMDPRC, the uplink command decoder (level 3, channel 0o00).
;
; Command format (docs/flight-software.md): a command word has odd parity over its
; 18 bits (bit 17 is the parity bit), the opcode in bits 16..12 and an argument in
; bits 11..0. Commands that carry data are followed by their data words (18 bits,
; raw) and then a check word: the sum, modulo 2^18, of the command word and the data
; words. A command takes effect only when its check word matches; the words must
; follow each other within CMDWAIT seconds. Anything else is rejected, counted in
; CMDREJ and reported in telemetry (T_REJ + reason, then the word). Every valid
; command is counted in CMDCNT, acknowledged (T_ACK + opcode), and restarts the
; Command Loss timer.
;
;   op  name    argument              data words      effect
;    1  NOOP    -                     -               nothing (a command-loss timer reset)
;    2  START   table address         -               start (or restart) a table
;    3  STOP    table address, 0: all -               stop it
;    4  DCM     discrete command      -               issue it
;    5  MODE    0, 1, 2               -               DCM 0o100 + argument
;    6  FAULT   0o100 * on + routine  -               enable (and re-arm) or disable
;    7  TIMER   0 CMDLOS, 1 AACSIN    limit           minutes / seconds
;    8  CCMD    0 AACS, 1 FDS         command         coded command through OUTDRV
;    9  POKE    address               word            a program store (jumpers apply)
;   10  LOADC   n = 1..15             address, n words  CCS memory, with MLD
;   11  LOADF   n = 1..15             FLA, n words      FDS memory, channels 0o20/0o21
;   12  LOADA   n = 1..15             ALA, n words      AACS memory, channels 0o22/0o23
;   13  CKSUM   count 1..4095         first address   checksum to telemetry
        .section CMDPRC, 384

CMDB:   SCC  SAVC
        STA  SAVA
        INP  CH_UPL             ; the word; INP sets ODD to its parity
        STA  CWORD
        LDA  CMDST
        JNZ  CDATA              ; the rest of a multi-word command
        LDA  CWORD
        JEV  CRPAR              ; a command word has odd parity
        LSR  12
        ANI  0o37
        STA  COP
        LDA  CWORD
        ANI  0o7777
        STA  CARG
        LDA  COP
        CPI  NCOPS
        JPL  CROP
        ADD  KNDTAB
        SAF  XLD
        XCT  XLD                ; how many data words the opcode takes
        JMI  CROP               ; -1: not a command
        JZE  CEXEC              ; a one-word command
        CPI  ND_LOAD
        JNZ  CMULTI
        LDA  CARG               ; memory loads: the address word and 1..15 words
        JZE  CRARG
        CPI  UPBUFN
        JPL  CRARG
        ADI  1
CMULTI: STA  CMDN               ; data words to come, then the check word
        CLR
        STA  CMDK
        LDA  CWORD
        STA  CSUM
        LDI  1
        STA  CMDST
        LDI  CMDWAIT
        STA  CMDTO              ; the 1 s level drops the command if this runs out
        JMP  CEXIT
CDATA:  LDI  CMDWAIT
        STA  CMDTO
        LDA  CMDK
        CMP  CMDN
        JZE  CCHK               ; every data word is in: this is the check word
        ADD  KUPBUF
        SAF  XST
        LDA  CWORD
        XCT  XST                ; UPBUF[CMDK] <- the word
        ADD  CSUM
        STA  CSUM
        INC  CMDK
        JMP  CEXIT
CCHK:   CLR
        STA  CMDST              ; the command is complete, accepted or not
        LDA  CWORD
        CMP  CSUM
        JNZ  CRCHK
CEXEC:  LDA  COP
        ADD  KCJTAB
        SAF  XJ
        XCT  XJ                 ; the command's code ends at CVALID or at a reject
CVALID: INC  CMDCNT
        LDA  FPENA              ; every valid command restarts Command Loss's timer
        ANI  F_CMDLOS
        JZE  CVAL2
        LDA  CLLIM
        STA  CLLEFT
        CLR
        STA  CLRUNS             ; its runs count only while no command comes in
CVAL2:  LDA  COP
        IOR  KTACK
        CAL  TLMV               ; acknowledged in telemetry
CEXIT:  LDA  SAVA
        LCC  SAVC
        RTI  CMDV

CRPAR:  LDI  R_PARITY
        JMP  CREJ
CROP:   LDI  R_OPCODE
        JMP  CREJ
CRARG:  LDI  R_ARG
        JMP  CREJ
CRCHK:  LDI  R_CHECK
        JMP  CREJ
CRBUSY: LDI  R_BUSY
CREJ:   IOR  KTREJ
        CAL  TLMV               ; the reason...
        LDA  CWORD
        CAL  TLMV               ; ...and the word that ended the command
        INC  CMDREJ
        JMP  CEXIT

; Entered from the 1 s handler when a multi-word command's next word is overdue: the
; partial command is dropped and counted as rejected. Back to the 1 s handler.
CMDTMO: CLR
        STA  CMDST
        LDA  KTRTMO
        CAL  TLMV
        LDA  CWORD              ; the last word received
        CAL  TLMV
        INC  CMDREJ
        JMP  T1S3

CJTAB:  JMP  CROP               ; 0 is not a command
        JMP  C_NOOP             ; 1
        JMP  C_START            ; 2
        JMP  C_STOP             ; 3
        JMP  C_DCM              ; 4
        JMP  C_MODE             ; 5
        JMP  C_FAULT            ; 6
        JMP  C_TIMER            ; 7
        JMP  C_CCMD             ; 8
        JMP  C_POKE             ; 9
        JMP  C_LOADC            ; 10
        JMP  C_LOADF            ; 11
        JMP  C_LOADA            ; 12
        JMP  C_CKSUM            ; 13
NDTAB:  .word -1, 0, 0, 0, 0, 0, 0, 1, 1, 1, ND_LOAD, ND_LOAD, ND_LOAD, 1

C_NOOP: JMP  CVALID
C_START: LDA CARG
        JZE  CRARG
        CAL  TSTRTV
        JNZ  CRBUSY             ; every slot is taken
        JMP  CVALID
C_STOP: LDA  CARG
        CAL  TSTOPV
        JMP  CVALID
C_DCM:  LDA  CARG
        CAL  DCMV
        JMP  CVALID
C_MODE: LDA  CARG
        CPI  3
        JPL  CRARG
        ADI  DC_MODE
        CAL  DCMV
        JMP  CVALID
; FAULT: argument 0o100 * enable + routine (0 AACSIN, 1 CMDLOS, 2 RFLOSS, 3 PWRCHK,
; 4 ERROR). Enabling sets the routine's FPENA bit, opens its interrupt level and
; re-arms it (after a swap or a shed, each acts only once until re-armed); disabling
; closes the level and stops its timer.
C_FAULT: LDA CARG
        ANI  0o7670
        JNZ  CRARG              ; bits other than "enable" and the routine number
        LDA  CARG
        ANI  7
        CPI  5
        JPL  CRARG
        STA  CFR
        ADD  KFBITS
        SAF  XLD
        XCT  XLD
        STA  CFB                ; its FPENA bit
        LDA  CFR
        ADD  KFLVLS
        SAF  XLD
        XCT  XLD
        STA  CFL                ; the MASK bit of its level (CMDLOS has none)
        LDA  CARG
        ANI  0o100
        JZE  CFDIS
        LDA  FPENA
        IOR  CFB
        STA  FPENA
        LDA  CFL
        CPL
        AND  MASKW
        STA  MASKW
        LML  MASKW
        LDA  CFR
        ADD  KFARM
        SAF  XJ
        XCT  XJ                 ; the routine's re-arming, ending at CVALID
CFDIS:  LDA  CFB
        CPL
        AND  FPENA
        STA  FPENA
        LDA  MASKW
        IOR  CFL
        STA  MASKW
        LML  MASKW
        LDA  CFR
        ADD  KFDIS
        SAF  XJ
        XCT  XJ
FARM:   JMP  CAAARM             ; AACSIN: watchdog restarted, one swap allowed again
        JMP  CVALID             ; CMDLOS: CVALID restarts its timer and its run count
        JMP  CRFARM             ; RFLOSS: every unit may be swapped once again
        JMP  CPWARM             ; PWRCHK: loads may be shed again
        JMP  CVALID             ; ERROR: nothing to re-arm
FDIS:   JMP  CAADIS             ; AACSIN: watchdog stopped
        JMP  CCLDIS             ; CMDLOS: timer stopped
        JMP  CVALID
        JMP  CVALID
        JMP  CVALID
CAAARM: LDA  HBLIM
        STA  HBLEFT
        LDI  1
        STA  AAARM
        JMP  CVALID
CAADIS: CLR
        STA  HBLEFT
        JMP  CVALID
CCLDIS: CLR
        STA  CLLEFT
        JMP  CVALID
CRFARM: CLR
        STA  RFSWP
        JMP  CVALID
CPWARM: CLR
        STA  PWSHED
        JMP  CVALID
; TIMER: 0 sets CMDLOS's limit (minutes; CVALID restarts the timer with it), 1 sets
; AACSIN's heartbeat limit (seconds; the watchdog reaches 0 HBLIM - 1 s after the
; last heartbeat). A limit of 0 is refused: that timer could never expire.
C_TIMER: LDA UPBUF
        JZE  CRARG
        LDA  CARG
        JZE  CTCL
        CPI  1
        JNZ  CRARG
        LDA  UPBUF
        STA  HBLIM
        LDA  HBLEFT
        JZE  CVALID             ; watchdog stopped: it takes the limit when restarted
        LDA  HBLIM
        STA  HBLEFT
        JMP  CVALID
CTCL:   LDA  UPBUF
        STA  CLLIM
        JMP  CVALID
C_CCMD: LDA  CARG
        JZE  CCA
        CPI  1
        JNZ  CRARG
        LDA  UPBUF
        CAL  OUTFV
        JMP  CVALID
CCA:    LDA  UPBUF
        CAL  OUTAV
        JMP  CVALID
; POKE stores with STA: a program store, which the jumpers refuse in a WP block (the
; store is suppressed, level 0 follows and ERROR reports the address). Patching fixed
; routines is what LOADC (MLD) is for.
C_POKE: LDA  CARG
        SAF  XST
        LDA  UPBUF
        XCT  XST
        JMP  CVALID
C_LOADC: CLR
        JMP  CLOAD
C_LOADF: LDI 1
        JMP  CLOAD
C_LOADA: LDI 2
CLOAD:  STA  MLKIND
        LDA  CMDN
        ADI  -1
        STA  MLN                ; the data words after the address word
        CAL  MLDV
        JMP  CVALID
C_CKSUM: LDA CARG
        JZE  CRARG
        STA  CKRQN
        LDA  UPBUF
        CAL  CKRQV
        JNZ  CRBUSY             ; one is running already
        JMP  CVALID

KNDTAB: .word NDTAB
KCJTAB: .word CJTAB
KUPBUF: .word UPBUF
KFBITS: .word FBITS
KFLVLS: .word FLVLS
KFARM:  .word FARM
KFDIS:  .word FDIS
KTACK:  .word T_ACK
KTREJ:  .word T_REJ
KTRTMO: .word T_REJ + R_TIMEOUT
FBITS:  .word F_AACSIN, F_CMDLOS, F_RFLOSS, F_PWRCHK, F_ERROR
FLVLS:  .word 0o004, 0, 0o200, 0o002, 0o001     ; levels 2, -, 7, 1, 0
