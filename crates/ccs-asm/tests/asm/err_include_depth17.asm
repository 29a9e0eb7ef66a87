; C11: d00.asm opens at depth 1, so d15.asm (depth 16) may not open d16.asm at
; depth 17. The error is reported on d15.asm's include line.
        .include "include/depth/d00.asm" ; error(include/depth/d15.asm:2)[include-too-deep]: include nested deeper than 16
