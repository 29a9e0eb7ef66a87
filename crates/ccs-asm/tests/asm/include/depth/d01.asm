; include chain link 01
        .include "d02.asm"
