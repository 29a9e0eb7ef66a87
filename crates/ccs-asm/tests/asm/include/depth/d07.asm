; include chain link 07
        .include "d08.asm"
