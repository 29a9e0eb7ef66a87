; tlmdrv.asm: TLMDRV, one telemetry word to the FDS (OUT 0o12), counted in NTLM.
; Records are one word (tag in bits 17..12, detail in bits 11..0), some followed by
; an 18-bit value; the tags are in defs.asm.
        .section TLMDRV, 16

TLMB:   OUT  CH_TLM
        INC  NTLM
        JMP  TLMV
