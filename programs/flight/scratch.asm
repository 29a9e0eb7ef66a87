; scratch.asm: scratch words (section SCRATCH, 16 words). The X words are the
; indexed-access idiom of a machine without index registers: SAF plants an address
; in their field, XCT executes them. They must be in RW memory.
        .section SCRATCH, 16

SAVA:   .word 0                 ; A of the interrupted program (handlers never nest)
SAVC:   .word 0                 ; its CC
XLD:    LDA  0                  ; indexed load
XST:    STA  0                  ; indexed store
XJ:     JMP  0                  ; computed jump into a dispatch table
XDCM:   DCM  0                  ; discrete command by number
XW:     MLD  0                  ; MEMLOD's write word: MLD, OUT 0o21 or OUT 0o23
CKADD:  ADD  0                  ; CHKSUM's walker (background loop only)
CKLEFT: .word 0                 ; CHKSUM: words left (background loop only)
AACODE: .word 0                 ; AACSIN: the power code
AAEV:   .word 0                 ; AACSIN: the event
RFBIT:  .word 0                 ; RFLOSS: monitor bit of the unit examined
RFDCM:  .word 0                 ; RFLOSS: its swap command
RFN:    .word 0                 ; RFLOSS: units left
MLSRC:  .word 0                 ; MEMLOD: address of the next word in UPBUF
MLN:    .word 0                 ; MEMLOD: words left
