; Directive values out of range (spec 11, C6 b).
        .org  -1                ; error[out-of-range]: .org address -1 is out of range 0..4095
        .org  4096              ; error: .org address 4096 (0o10000) is out of range 0..4095
        .org  0o100
        .word 262144            ; error: .word value 262144 (0o1000000) is out of range -131072..262143
        .word -131073           ; error: .word value -131073 is out of range -131072..262143
        .word 0, 262143, -131072, 262144 ; error: .word value 262144
        .zero -1                ; error: .zero count -1 is out of range: a count of words is >= 0
        .org  0o200
        .section S, -1          ; error: section limit -1 is out of range: a limit in words is >= 0
