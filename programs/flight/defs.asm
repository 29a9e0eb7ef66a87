; defs.asm: names shared by the flight load and its sequences. No words: only .equ.
; Everything here is documented in docs/flight-software.md.

; ---------------------------------------------------------------- I/O (spec §9.1)
        .equ CH_UPL, 0o00       ; uplink command word (level 3)
        .equ CH_ACP, 0o01       ; AACS power code (level 2)
        .equ CH_RFM, 0o02       ; RF power monitors (level 7)
        .equ CH_PWR, 0o03       ; power status (level 1)
        .equ CH_MBX, 0o04       ; mailbox: the other processor's word (level 9)
        .equ CH_FDSR, 0o05      ; FDS request word (level 8)
        .equ CH_STAT, 0o06      ; status word: bit 0 identity, bits 2..1 mode
        .equ CH_ERR, 0o07       ; ERR, cleared by reading it (level 0)
        .equ CH_AACS, 0o10      ; AACS coded command (voted)
        .equ CH_FDS, 0o11       ; FDS coded command (voted)
        .equ CH_TLM, 0o12       ; telemetry word to the FDS
        .equ CH_FLA, 0o20       ; FDS load address
        .equ CH_FDW, 0o21       ; FDS memory word (the address steps by itself)
        .equ CH_ALA, 0o22       ; AACS load address
        .equ CH_AAW, 0o23       ; AACS memory word

; ---------------------------------------------------------------- AACS power codes
        .equ HEARTBEAT, 0o37    ; "I am alive", about every 2 s
        .equ OMEN, 0o66         ; "the Omen": the AACS reports itself in trouble

; ---------------------------------------------------------------- discrete commands
; 0o0001-0o0006 and 0o0100-0o0102 are the spec's (§9.2). The numbers from 0o0200 on
; are this load's own choice: the emulator logs them without an effect (§9.2).
        .equ DC_AACS, 0o0001    ; swap to the other AACS
        .equ DC_RF0, 0o0002     ; swap S-band exciter; RF unit i swaps with DC_RF0 + i
        .equ DC_RCVR, 0o0006    ; swap command receiver
        .equ DC_MODE, 0o0100    ; + 0 individual, 1 parallel, 2 tandem
        .equ DC_INDIV, 0o0100   ; set mode INDIVIDUAL
        .equ DC_TANDEM, 0o0102  ; set mode TANDEM (voted, like every DCM, once in it)
        .equ M_TANDEM, 2        ; MODEW of TANDEM
        .equ DC_CDU, 0o0201     ; swap command detector unit (CMDLOS; not emulated)
        .equ DC_SHED1, 0o0210   ; load shedding (PWRCHK; not emulated): science heaters off
        .equ DC_SHED2, 0o0211   ;   non-essential science instruments off
        .equ DC_SHED3, 0o0212   ;   X-band TWTA to its low-power mode

; ---------------------------------------------------------------- interrupt mask
; MASK bit k = 1 closes level k. Open: 0 ERR, 1 PWR, 2 AACS, 3 uplink, 5 1 s,
; 6 1 h, 7 RF, 8 FDS requests, 9 mailbox. Closed: 4 (10 ms: opened only while a
; table needs it) and 10-15.
        .equ MASK_RUN, 0o176020
        .equ LV4, 0o20          ; MASK bit of level 4

; ---------------------------------------------------------------- fault routines
; Bits of FPENA (enabled routines) and routine numbers of the FAULT command.
        .equ F_AACSIN, 0o01     ; routine 0
        .equ F_CMDLOS, 0o02     ; routine 1
        .equ F_RFLOSS, 0o04     ; routine 2
        .equ F_PWRCHK, 0o10     ; routine 3
        .equ F_ERROR, 0o20      ; routine 4
        .equ F_ALL, 0o37
        .equ AE_TIMEOUT, 1      ; AACSIN events: no heartbeat for 10 s
        .equ AE_OMEN, 2         ;   the Omen
        .equ AE_CODE, 3         ;   any other power code
        .equ AE_NOARM, 4        ;   + 4: seen while disarmed, no swap

; ---------------------------------------------------------------- telemetry records
; First word of a record: tag in bits 17..12, detail in bits 11..0.
        .equ T_BOOT, 0o010000   ; reset entry ran; detail = load version
        .equ T_ACK, 0o020000    ; command accepted; detail = opcode
        .equ T_REJ, 0o030000    ; command rejected; detail = reason; + the word
        .equ T_CKS, 0o040000    ; checksum; detail = first address; + the sum
        .equ T_ERR, 0o050000    ; level 0; detail = error count; + ERR
        .equ T_AACS, 0o060000   ; AACSIN; detail = event * 64 + power code
        .equ T_CL, 0o070000     ; CMDLOS; detail = run 1..4, 5 = BML started
        .equ T_RF, 0o100000     ; RFLOSS; detail = monitor word
        .equ T_PWR, 0o110000    ; PWRCHK; detail = power status
        .equ T_TBL, 0o120000    ; a table stopped for a bad entry; detail = its pointer
        .equ T_CCS, 0o130000    ; the pair; detail = event * 2 + sender (0 A, 1 B)
        .equ T_VOTE, 0o140000   ; vote check; detail = 1 A's copy good + 2 B's good + 4 B active
        .equ T_FDSR, 0o150000   ; FDS request; detail = code * 64 + outcome
        .equ T_STAT, 0o160000   ; status report; detail = sender; + the status value
        .equ VERSION, 1

; ---------------------------------------------------------------- the pair (DUAL)
; T_CCS events, and the mailbox word each processor sends the other every second.
        .equ CE_TAKEOVER, 1     ; the standby took over: the active one fell silent
        .equ CE_LOST, 2         ; the active one's partner fell silent: carrying on alone
        .equ CE_BACK, 3         ; a partner given up for lost is heard again
        .equ CE_YIELD, 4        ; two active processors: this one stands by again
        .equ MB_HB, 0o010000    ; mailbox heartbeat: + 1 when the sender is active
; FDS requests (level 8): code in bits 17..12, argument in bits 11..0.
        .equ FR_TLM, 1          ; switch the telemetry format to the argument
        .equ FR_STAT, 2         ; report the CCS status (T_STAT + value)
        .equ FO_DONE, 0         ; outcomes
        .equ FO_BAD, 1          ;   no such request, or a bad argument

; ---------------------------------------------------------------- uplink commands
; Command word: bit 17 odd parity, bits 16..12 opcode, bits 11..0 argument.
        .equ NCOPS, 14          ; opcodes 0..13 (0 is not a command)
        .equ ND_LOAD, 0o100     ; NDTAB marker: data words = argument + 1
        .equ UPBUFN, 16         ; uplink buffer: address word + up to 15 words
        .equ CMDWAIT, 4         ; seconds allowed between the words of a command
        .equ R_PARITY, 1        ; reject reasons
        .equ R_OPCODE, 2
        .equ R_ARG, 3
        .equ R_CHECK, 4
        .equ R_TIMEOUT, 5
        .equ R_BUSY, 6

; ---------------------------------------------------------------- TARMEX tables
; An entry is two words: (kind * 4096 + delay, value). The delay counts in the
; table's unit from the previous entry's time.
        .equ E_END, 0o000000    ; the table ends
        .equ E_AACS, 0o010000   ; AACS coded command = value
        .equ E_FDS, 0o020000    ; FDS coded command = value
        .equ E_DCM, 0o030000    ; discrete command number = value
        .equ E_TLM, 0o040000    ; telemetry word = value
        .equ E_UNIT, 0o050000   ; the unit from now on: value U_SEC, U_10MS or U_MIN
        .equ E_GOTO, 0o060000   ; continue at address value
        .equ E_LOOP, 0o070000   ; value = count * 4096 + address: run the body count times
        .equ E_START, 0o100000  ; start the table at address value
        .equ E_STOP, 0o110000   ; stop the table at address value (0: every table)
        .equ E_CKS, 0o120000    ; checksum: value = blocks of 64 * 4096 + first address
        .equ E_NOP, 0o130000    ; nothing: only the delay counts
        .equ NKINDS, 12
        .equ U_SEC, 0           ; units (= TARMEX clock domains)
        .equ U_10MS, 1
        .equ U_MIN, 2
        .equ NSLOTS, 20         ; tables running at once
        .equ SLOTW, 4           ; slot: BASE, PTR (unit * 4096 + address), DUE, LOOP
        .equ WBUDGET, 64        ; entries one table may run in one walk
        .equ FAR, 0o377777      ; "nothing due": the farthest a signed compare sees

; ---------------------------------------------------------------- coded commands
; Illustrative encodings (docs/flight-software.md): code in bits 17..12.
        .equ AC_AZ, 0o200000    ; AACS: scan platform azimuth, 0.1 degree (0..3599)
        .equ AC_EL, 0o210000    ; AACS: scan platform elevation, 0.1 degree (0..1800)
        .equ AC_MAGROL, 0o300000 ; AACS: magnetometer calibration roll, arg = rolls
        .equ FD_TLM, 0o100000   ; FDS: telemetry format
        .equ FD_NA, 0o400000    ; FDS: narrow-angle shutter, filter * 512 + exposure
        .equ FD_WA, 0o410000    ; FDS: wide-angle shutter, same argument
        .equ FD_CAM, 0o500000   ; FDS: cameras on (1) / off (0)
        .equ FD_CAMHT, 0o510000 ; FDS: camera warm-up heaters on (1) / off (0)
        .equ FD_MAGC, 0o600000  ; FDS: magnetometer calibration on (1) / off (0)
        .equ TM_CR5, 5          ; telemetry formats: cruise science
        .equ TM_BML, 6          ;   backup mission load cruise
        .equ TM_PB, 7           ;   tape playback
        .equ TM_IM, 0o14        ;   encounter imaging
