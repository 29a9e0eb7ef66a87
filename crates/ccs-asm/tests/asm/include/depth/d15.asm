; include chain link 15
        .include "d16.asm"
