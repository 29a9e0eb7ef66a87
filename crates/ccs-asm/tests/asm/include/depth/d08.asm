; include chain link 08
        .include "d09.asm"
