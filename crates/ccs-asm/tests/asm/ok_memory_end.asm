; The last address is 4095; a label may stand at 4096 since it emits nothing.
        .word LAST              ; = 0000 007777
        .org 0o7700
        .zero 0o76              ; = 7700 000000*62
        NOP                     ; = 7776 000001
LAST:   .word END               ; = 7777 010000
END:
        .zero 0
