; include chain link 04
        .include "d05.asm"
