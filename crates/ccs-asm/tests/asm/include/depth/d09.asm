; include chain link 09
        .include "d10.asm"
