; C6 a: a second limit for a section is an error, even an equal one.
        .section S, 10
        .section S              ; re-entering without a limit is fine
        .section S, 10          ; error[limit-redeclared]: limit redeclared: section `S` already has a limit of 10 words
        .section S, 20          ; error[limit-redeclared]: limit redeclared
        .section main, 5
        .section main, 6        ; error: section `main` already has a limit of 5 words
