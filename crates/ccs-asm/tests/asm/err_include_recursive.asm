; An include of a file that is still being assembled, directly or through others.
        .include "err_include_recursive.asm" ; error[include-recursive]: recursive include:
        .include "include/loop_a.asm"        ; error(include/loop_b.asm:2): recursive include
