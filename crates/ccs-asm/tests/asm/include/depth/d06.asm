; include chain link 06
        .include "d07.asm"
