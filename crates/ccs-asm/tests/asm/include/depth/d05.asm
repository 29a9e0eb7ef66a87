; include chain link 05
        .include "d06.asm"
