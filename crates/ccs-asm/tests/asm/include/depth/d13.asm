; include chain link 13
        .include "d14.asm"
