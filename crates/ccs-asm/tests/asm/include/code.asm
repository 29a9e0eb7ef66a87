CODE:   JMP  CODE               ; = 1002 100210
