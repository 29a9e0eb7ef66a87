; include chain link 10
        .include "d11.asm"
