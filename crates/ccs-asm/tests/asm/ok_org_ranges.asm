; .org may go backwards as long as no address is emitted twice.
        .org 0o2000
        .word 1, 2              ; = 2000 000001 000002
        .org 0o1776
        .word 3, 4              ; = 1776 000003 000004
        .org 0o2002
        .word 5                 ; = 2002 000005
        .org 0o2000 + 3
        .word 6                 ; = 2003 000006
