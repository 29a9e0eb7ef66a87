; The shared ending of every validation program (included at its end).
; Each check first stores its number in CHECK (LDI n / STA CHECK); a failing check
; jumps to FAIL. The verdict goes to console channel 0o17 and into the halt code, so
; `ccs run PROGRAM` exits 0 when every check passed, or with the failing check's number.
PASS:   CLR
        OUT  0o17               ; 0: every check passed
        HLT  0
FAIL:   DIN                     ; no more interrupts
        LDA  CHECK              ; the failing check's number...
        OUT  0o17
        SAF  STOP               ; ...planted in the halt code below (code is in RW memory)
STOP:   HLT  0
CHECK:  .word 0
