; No word may be emitted beyond address 4095; each kind of error once per statement.
        .org  0o7776
        .word 1, 2, 3           ; error[beyond-memory]: word emitted at address 4096 (0o10000), beyond the last address 4095 (0o7777)
        NOP                     ; error: word emitted at address 4097 (0o10001)
        .org  0o7700
        .zero 100               ; error[overlap]: address 0o7776 emitted twice ; error[beyond-memory]: address 4096
        NOP                     ; error: word emitted at address 4132 (0o10044)
