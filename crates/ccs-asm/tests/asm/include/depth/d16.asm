; the end of the include chain
DEEPEST: NOP                    ; = 1100 000001
