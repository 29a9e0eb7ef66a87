//! Every bundled image is exactly what its source assembles to, so the two cannot
//! drift apart.

use voyager_ccs::programs::ALL;

#[test]
fn bundled_images_match_their_sources() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("programs");
    for program in ALL {
        let src = root.join(program.path).with_extension("asm");
        let out = voyager_ccs::asm::assemble(&src, &voyager_ccs::asm::FileSystem);
        assert!(!out.has_errors(), "{}:\n{}", src.display(), out.render_diagnostics());
        let assembly = out.assembly.expect("no errors, so an assembly");
        let target = program.image().target.expect("bundled images name their target");
        assert_eq!(assembly.image_text(target), program.text, "{} differs from its source", program.path);
    }
}
