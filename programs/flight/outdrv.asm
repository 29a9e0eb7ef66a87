; outdrv.asm: OUTDRV, the output driver: coded commands to the AACS (OUT 0o10) and to
; the FDS (OUT 0o11), and discrete commands by number. Both are voted classes
; (spec §10.2): in PARALLEL or TANDEM the output units pair them. Each call is
; counted (NAACS, NFDS, NDCM).
        .section OUTDRV, 32

OUTAB:  OUT  CH_AACS            ; A = the AACS coded command
        INC  NAACS
        JMP  OUTAV
OUTFB:  OUT  CH_FDS             ; A = the FDS coded command
        INC  NFDS
        JMP  OUTFV
DCMB:   SAF  XDCM               ; A = the discrete command number, planted in DCM
        XCT  XDCM
        INC  NDCM
        JMP  DCMV
