; An include that cannot be read; the path is relative to this file.
        .include "include/missing.asm"   ; error[include-not-found]: include not found: `
        .include "include/empty.asm"     ; found
        .include "include/sub/empty.asm" ; error: include not found
