; include chain link 12
        .include "d13.asm"
