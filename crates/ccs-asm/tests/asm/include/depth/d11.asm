; include chain link 11
        .include "d12.asm"
