LEAF:   .word MORE              ; = 1000 001235
