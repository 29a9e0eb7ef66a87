; include chain link 03
        .include "d04.asm"
