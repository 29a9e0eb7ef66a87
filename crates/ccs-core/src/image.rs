//! Memory images (spec §12): parsing with errors that name the line, canonical
//! output, and ground loading into the machine.

use crate::machine::{Machine, ProcId};
use crate::space::MemoryId;
use std::fmt::Write as _;

/// Which memory an image is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ImageKind {
    Ccs,
    Fds,
    Aacs,
}

impl ImageKind {
    pub const fn header_name(self) -> &'static str {
        match self {
            ImageKind::Ccs => "ccs-image",
            ImageKind::Fds => "fds-image",
            ImageKind::Aacs => "aacs-image",
        }
    }

    /// The memory of unit `unit` (processor A or B, attached unit A or B) this kind loads.
    pub const fn memory(self, unit: ProcId) -> MemoryId {
        match self {
            ImageKind::Ccs => MemoryId::Ccs(unit),
            ImageKind::Fds => MemoryId::Fds(unit as u8),
            ImageKind::Aacs => MemoryId::Aacs(unit as u8),
        }
    }

    pub const fn address_digits(self) -> usize {
        self.memory(ProcId::A).address_digits()
    }

    pub const fn max_address(self) -> u32 {
        self.memory(ProcId::A).words() - 1
    }

    pub const fn max_word(self) -> u32 {
        self.memory(ProcId::A).word_mask()
    }

    fn from_header_name(name: &str) -> Option<ImageKind> {
        [ImageKind::Ccs, ImageKind::Fds, ImageKind::Aacs].into_iter().find(|k| k.header_name() == name)
    }
}

/// Where an image is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Target {
    A,
    B,
    AB,
}

impl Target {
    pub fn parse(text: &str) -> Option<Target> {
        match text {
            "A" => Some(Target::A),
            "B" => Some(Target::B),
            "AB" => Some(Target::AB),
            _ => None,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Target::A => "A",
            Target::B => "B",
            Target::AB => "AB",
        }
    }

    /// Processors (or attached units A/B) the image goes to.
    pub fn units(self) -> &'static [ProcId] {
        match self {
            Target::A => &[ProcId::A],
            Target::B => &[ProcId::B],
            Target::AB => &[ProcId::A, ProcId::B],
        }
    }
}

impl From<ProcId> for Target {
    fn from(x: ProcId) -> Target {
        match x {
            ProcId::A => Target::A,
            ProcId::B => Target::B,
        }
    }
}

/// A parsed image: its kind, target (from the header, if any) and words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub kind: ImageKind,
    pub target: Option<Target>,
    /// (address, word), ascending by address, no duplicates.
    pub words: Vec<(u32, u32)>,
}

/// What is wrong with an image line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("line {line}: malformed line {text:?}: {reason}")]
    Malformed { line: usize, text: String, reason: String },
    #[error("line {line}: malformed header {text:?}: {reason}")]
    BadHeader { line: usize, text: String, reason: String },
    #[error("line {line}: duplicate address {addr:o} (first set on line {first_line})")]
    DuplicateAddress { line: usize, addr: u32, first_line: usize },
    #[error("line {line}: address {addr:o} out of range (a {kind} image holds addresses 0-{max:o})")]
    AddressOutOfRange { line: usize, addr: u64, max: u32, kind: &'static str },
    #[error("line {line}: word {word:o} out of range (a {kind} image holds words up to {max:o})")]
    WordOutOfRange { line: usize, word: u64, max: u32, kind: &'static str },
    #[error(
        "the image has no header line naming its target and none was given: add `# ccs-image v1 target=A` or choose a target"
    )]
    MissingTarget,
    #[error("a {kind} image cannot target {target}: attached-memory images target A or B")]
    BadTarget { kind: &'static str, target: &'static str },
}

impl ImageError {
    /// 1-based line the error is on, if any.
    pub fn line(&self) -> Option<usize> {
        match self {
            ImageError::Malformed { line, .. }
            | ImageError::BadHeader { line, .. }
            | ImageError::DuplicateAddress { line, .. }
            | ImageError::AddressOutOfRange { line, .. }
            | ImageError::WordOutOfRange { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// Parse a header line `# KIND-image v1 target=T`. `Ok(None)`: a plain comment.
fn parse_header(line_no: usize, raw: &str) -> Result<Option<(ImageKind, Option<Target>)>, ImageError> {
    let Some(rest) = raw.trim().strip_prefix('#') else {
        return Ok(None);
    };
    let mut tokens = rest.split_whitespace();
    let Some(kind) = tokens.next().and_then(ImageKind::from_header_name) else {
        return Ok(None);
    };
    let bad = |reason: &str| ImageError::BadHeader {
        line: line_no,
        text: crate::text::abbreviate(raw).into(),
        reason: reason.into(),
    };
    match tokens.next() {
        Some("v1") => {}
        Some(v) => {
            return Err(bad(&format!("unsupported version {}; this loader reads v1", crate::text::abbreviate(v))));
        }
        None => return Err(bad("missing version `v1`")),
    }
    let mut target = None;
    for t in tokens {
        let Some(value) = t.strip_prefix("target=") else {
            let t = crate::text::abbreviate(t);
            return Err(bad(&format!("unexpected {t:?}; expected target=A, target=B or target=AB")));
        };
        let shown = crate::text::abbreviate(value);
        target = Some(Target::parse(value).ok_or_else(|| bad(&format!("target {shown:?} is not A, B or AB")))?);
    }
    Ok(Some((kind, target)))
}

/// Parse one octal field (its digit count is checked by the caller, after the range,
/// so that `10000` in a CCS image reads as "out of range" rather than "malformed").
fn octal_field(text: &str) -> Result<u64, String> {
    let shown = crate::text::abbreviate(text);
    if text.is_empty() || !text.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return Err(format!("{shown:?} is not an octal number"));
    }
    u64::from_str_radix(text, 8).map_err(|_| format!("{shown:?} is too long"))
}

impl Image {
    /// Parse an image. `kind` applies when the text has no header; a header decides
    /// the kind itself.
    pub fn parse(text: &str, kind: ImageKind) -> Result<Image, ImageError> {
        let mut kind = kind;
        let mut target = None;
        let mut seen: std::collections::HashMap<u32, usize> = Default::default();
        let mut words = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            if line == 1
                && let Some((k, t)) = parse_header(line, raw)?
            {
                kind = k;
                target = t;
                continue;
            }
            let data = raw.split('#').next().unwrap_or("").trim();
            if data.is_empty() {
                continue;
            }
            let malformed =
                |reason: String| ImageError::Malformed { line, text: crate::text::abbreviate(raw).into(), reason };
            let fields: Vec<&str> = data.split_whitespace().collect();
            let [addr_text, word_text] = fields[..] else {
                return Err(malformed(format!(
                    "expected an address and a word (`{} {}`), found {} field(s)",
                    "A".repeat(kind.address_digits()),
                    "W".repeat(6),
                    fields.len()
                )));
            };
            let kind_name = kind.header_name();
            let addr = octal_field(addr_text).map_err(|r| malformed(format!("address {r}")))?;
            if addr > kind.max_address() as u64 {
                return Err(ImageError::AddressOutOfRange { line, addr, max: kind.max_address(), kind: kind_name });
            }
            if addr_text.len() != kind.address_digits() {
                return Err(malformed(format!("address must be exactly {} octal digits", kind.address_digits())));
            }
            let word = octal_field(word_text).map_err(|r| malformed(format!("word {r}")))?;
            if word > kind.max_word() as u64 {
                return Err(ImageError::WordOutOfRange { line, word, max: kind.max_word(), kind: kind_name });
            }
            if word_text.len() != 6 {
                return Err(malformed("word must be exactly 6 octal digits".into()));
            }
            let addr = addr as u32;
            if let Some(&first_line) = seen.get(&addr) {
                return Err(ImageError::DuplicateAddress { line, addr, first_line });
            }
            seen.insert(addr, line);
            words.push((addr, word as u32));
        }
        words.sort_unstable();
        Ok(Image { kind, target, words })
    }

    /// The canonical text: header, ascending `AAAA WWWWWW` lines, final newline.
    pub fn to_canonical(&self, target: Target) -> String {
        let mut s = format!("# {} v1 target={}\n", self.kind.header_name(), target.name());
        let digits = self.kind.address_digits();
        for (a, w) in &self.words {
            let _ = writeln!(s, "{a:0digits$o} {w:06o}");
        }
        s
    }

    /// The target: the header's, else `fallback`.
    pub fn resolve_target(&self, fallback: Option<Target>) -> Result<Target, ImageError> {
        let t = self.target.or(fallback).ok_or(ImageError::MissingTarget)?;
        if self.kind != ImageKind::Ccs && t == Target::AB {
            return Err(ImageError::BadTarget { kind: self.kind.header_name(), target: "AB" });
        }
        Ok(t)
    }
}

impl Machine {
    /// Ground load (spec §12): jumpers do not apply; absent addresses keep their
    /// contents. Returns the target used.
    pub fn load_image(&mut self, image: &Image, fallback: Option<Target>) -> Result<Target, ImageError> {
        let target = image.resolve_target(fallback)?;
        self.load_at(image, target);
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Image, ImageError> {
        Image::parse(text, ImageKind::Ccs)
    }

    #[test]
    fn canonical_round_trip() {
        let text = "# ccs-image v1 target=A\n0040 020050\n0200 200000\n";
        let img = parse(text).unwrap();
        assert_eq!(img.target, Some(Target::A));
        assert_eq!(img.words, vec![(0o40, 0o020050), (0o200, 0o200000)]);
        assert_eq!(img.to_canonical(Target::A), text);
    }

    #[test]
    fn lenient_whitespace_and_comments_and_crlf() {
        let img = parse("# just a comment\n  0200\t\t200000   # data\r\n\n0040 020050\n").unwrap();
        assert_eq!(img.target, None);
        assert_eq!(img.words, vec![(0o40, 0o020050), (0o200, 0o200000)]);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("# ccs-image v1 target=A\n0040 020050\n0040 000001\n").unwrap_err();
        assert_eq!(e, ImageError::DuplicateAddress { line: 3, addr: 0o40, first_line: 2 });
        let e = parse("0040 02005\n").unwrap_err();
        assert!(matches!(e, ImageError::Malformed { line: 1, .. }), "{e}");
        assert!(e.to_string().contains("exactly 6 octal digits"), "{e}");
        let e = parse("\n0048 000000\n").unwrap_err();
        assert!(e.to_string().starts_with("line 2: malformed line"), "{e}");
        let e = parse("0040\n").unwrap_err();
        assert!(e.to_string().contains("found 1 field"), "{e}");
        let e = parse("10000 000000\n").unwrap_err();
        assert!(matches!(e, ImageError::AddressOutOfRange { line: 1, addr: 0o10000, .. }), "{e}");
        let e = parse("0000 1000000\n").unwrap_err();
        assert!(matches!(e, ImageError::WordOutOfRange { line: 1, .. }), "{e}");
        let e = parse("# ccs-image v2 target=A\n").unwrap_err();
        assert!(e.to_string().contains("unsupported version v2"), "{e}");
        let e = parse("# ccs-image v1 target=C\n").unwrap_err();
        assert!(e.to_string().contains("not A, B or AB"), "{e}");
        let e = parse(&format!("{} 000000\n", "7".repeat(300))).unwrap_err();
        assert!(e.to_string().contains("(300 characters)") && e.to_string().len() < 300, "{e}");
    }

    #[test]
    fn fds_images_check_16_bit_words_and_13_bit_addresses() {
        let img = Image::parse("# fds-image v1 target=B\n17777 177777\n", ImageKind::Ccs).unwrap();
        assert_eq!(img.kind, ImageKind::Fds);
        let e = Image::parse("# fds-image v1 target=B\n00001 200000\n", ImageKind::Ccs).unwrap_err();
        assert!(matches!(e, ImageError::WordOutOfRange { line: 2, word: 0o200000, .. }), "{e}");
        let e = Image::parse("# fds-image v1 target=B\n20000 000000\n", ImageKind::Ccs).unwrap_err();
        assert!(matches!(e, ImageError::AddressOutOfRange { line: 2, .. }), "{e}");
        let e = Image::parse("# fds-image v1 target=AB\n", ImageKind::Ccs).unwrap().resolve_target(None);
        assert!(matches!(e, Err(ImageError::BadTarget { .. })));
    }

    #[test]
    fn missing_target_needs_the_invocation() {
        let img = parse("0040 000000\n").unwrap();
        assert_eq!(img.resolve_target(None), Err(ImageError::MissingTarget));
        assert_eq!(img.resolve_target(Some(Target::B)), Ok(Target::B));
        let mut m = Machine::new();
        m.load_image(&parse("# ccs-image v1 target=AB\n0041 123456\n").unwrap(), None).unwrap();
        assert_eq!(m.cpu[0].memory.get(0o41).get(), 0o123456);
        assert_eq!(m.cpu[1].memory.get(0o41).get(), 0o123456);
    }
}
