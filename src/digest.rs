//! SHA-256 of inputs, outputs and methodology files, as hex, for the manifests and `mujun verify`.
//!
//! The hashing is ring's (BoringSSL's assembly), which picks the processor's SHA extensions where they
//! exist and AVX code where they do not: faster than the `sha2` crate's portable code where hashing the
//! inputs and tables was a large share of an evaluation (docs/performance.md, seventh round). The digest
//! is the same SHA-256, so `sha256sum` still checks every file a manifest lists.

use std::io::Read;
use std::path::Path;

/// A SHA-256 fed piece by piece.
#[derive(Clone)]
pub struct Sha256(ring::digest::Context);

impl Default for Sha256 {
    fn default() -> Sha256 {
        Sha256(ring::digest::Context::new(&ring::digest::SHA256))
    }
}

impl Sha256 {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    /// The digest as 64 lowercase hex digits.
    pub fn finish_hex(self) -> String {
        hex(self.0.finish().as_ref())
    }
}

/// SHA-256 of bytes, hex.
pub fn of_bytes(bytes: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}

/// SHA-256 of a file, hex, read in blocks (a file is never held whole for its hash).
pub fn of_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut h = Sha256::default();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(h.finish_hex()),
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * bytes.len());
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_test_vectors() {
        // FIPS 180-2, appendix B: "abc", the two-block message, and a million 'a'.
        assert_eq!(of_bytes(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            of_bytes(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let million = vec![b'a'; 1_000_000];
        assert_eq!(of_bytes(&million), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        assert_eq!(of_bytes(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn pieces_files_and_whole_bytes_agree() {
        // 2.5 MB fed in uneven pieces (1, 63, 64, 65, 4096 and 100,003 bytes in turn) and read from a file
        // (more than one read block): the same digest as the whole bytes.
        let bytes: Vec<u8> = (0..2_500_000u32).map(|i| (i * 31 % 251) as u8).collect();
        let whole = of_bytes(&bytes);
        let mut h = Sha256::default();
        let (mut at, mut k) = (0, 0);
        let sizes = [1, 63, 64, 65, 4096, 100_003];
        while at < bytes.len() {
            let n = sizes[k % sizes.len()].min(bytes.len() - at);
            h.update(&bytes[at..at + n]);
            at += n;
            k += 1;
        }
        assert_eq!(h.finish_hex(), whole);
        let dir = std::env::temp_dir().join(format!("mujun-digest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(of_file(&path).unwrap(), whole);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
