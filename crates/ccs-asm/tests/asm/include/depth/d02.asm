; include chain link 02
        .include "d03.asm"
