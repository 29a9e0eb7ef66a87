; CMDLOS is 212 words, placed so that 37 of them spill out of FIXED into DATA.
        .section CMDLOS
        .org 0o5200 - 175
        .zero 212
