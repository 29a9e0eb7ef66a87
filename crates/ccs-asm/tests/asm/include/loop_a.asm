; loop_a.asm includes loop_b.asm, which includes loop_a.asm again
        .include "loop_b.asm"
