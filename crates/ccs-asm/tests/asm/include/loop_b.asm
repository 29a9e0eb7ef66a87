; loop_b.asm: the second half of the loop
        .include "loop_a.asm"
