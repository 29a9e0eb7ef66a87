; memlod.asm: MEMLOD, uplinked words into memory (spec §15, §9.4). Called by CMDPRC
; once a load command's check word has matched: UPBUF[0] holds the CCS address, the
; FLA word (bit 13 unit, bits 12..0 address) or the ALA word (bit 12 unit, bits
; 11..0 address); UPBUF[1..MLN] the words; MLKIND 0 CCS, 1 FDS, 2 AACS.
;
; CCS words are written with MLD, the memory-load write that WP blocks accept: that
; is how fixed routines are patched in flight. FDS and AACS words go through the
; MEMLOAD channels, whose address registers step by themselves.
        .section MEMLOD, 64

MLDB:   LDA  KUPB1
        STA  MLSRC              ; the first data word
        LDA  MLKIND
        JZE  MLCCS
        CPI  1
        JZE  MLFDS
        LDA  UPBUF
        OUT  CH_ALA             ; AACS: unit and address
        LDA  KOUTA
        JMP  MLGO
MLFDS:  LDA  UPBUF
        OUT  CH_FLA             ; FDS: unit and address
        LDA  KOUTF
        JMP  MLGO
MLCCS:  LDA  KMLD0
        STA  XW
        LDA  UPBUF
        SAF  XW                 ; MLD address
        JMP  MLL
MLGO:   STA  XW                 ; OUT 0o21 or OUT 0o23
MLL:    LDA  MLSRC
        SAF  XLD
        XCT  XLD                ; the next word
        XCT  XW                 ; written
        LDA  MLKIND
        JNZ  MLNX
        INA  XW                 ; CCS: the next address (the channels step themselves)
MLNX:   INC  MLSRC
        DSZ  MLN
        JMP  MLL
        JMP  MLDV

KUPB1:  .word UPBUF + 1
KMLD0:  MLD  0                  ; pristine write words, copied into XW
KOUTF:  OUT  CH_FDW
KOUTA:  OUT  CH_AAW
