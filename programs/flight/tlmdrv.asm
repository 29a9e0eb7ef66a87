; tlmdrv.asm: TLMDRV, one telemetry word to the FDS (OUT 0o12), counted in NTLM.
; Records are one word (tag in bits 17..12, detail in bits 11..0), some followed by
; an 18-bit value; the tags are in defs.asm. Only the active processor of the pair
; sends telemetry (the standby's records would repeat the active one's).
        .section TLMDRV, 16

TLMB:   STA  TLMW
        LDA  ROLE
        JZE  TLX
        LDA  TLMW
        OUT  CH_TLM
        INC  NTLM
TLX:    LDA  TLMW
        JMP  TLMV
