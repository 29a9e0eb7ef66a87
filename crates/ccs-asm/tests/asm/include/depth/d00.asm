; include chain link 00
        .include "d01.asm"
