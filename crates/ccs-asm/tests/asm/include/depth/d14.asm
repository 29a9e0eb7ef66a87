; include chain link 14
        .include "d15.asm"
