//! Reading a results file as a stream, so memory stays bounded by the results kept, never by
//! the file's size: the bytes are counted against the cap (`max-results-bytes`), hashed for the
//! provenance record and decoded (UTF-8 with invalid bytes replaced, or UTF-16 as some Windows
//! JUnit producers write it) on their way through, and [`Source`] numbers the lines of what the
//! parsers consume, so an error or a result still names its line without a line index of the
//! whole file.

use sha2::{Digest, Sha256};
use std::io::{self, BufRead, BufReader, Read};

/// Bytes of the file's head kept for [`super::provenance`] (producer, run id, timestamp).
pub(crate) const HEAD_BYTES: usize = 64 * 1024;

/// What the raw bytes told once the file is read: its hash and head, and whether it ran past
/// the cap.
#[derive(Debug, Default)]
pub(crate) struct Raw {
    pub(crate) sha256: String,
    pub(crate) head: Vec<u8>,
    pub(crate) over_cap: bool,
}

/// The raw bytes: counted, hashed, the head kept; past `cap` bytes every read fails.
struct Capped<R> {
    inner: R,
    cap: u64,
    read: u64,
    hasher: Sha256,
    head: Vec<u8>,
    over_cap: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.over_cap {
            return Err(over_cap());
        }
        // One byte past the cap is enough to know it is over.
        let room = self.cap.saturating_add(1).saturating_sub(self.read);
        let want = out.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut out[..want])?;
        self.read += n as u64;
        if self.read > self.cap {
            self.over_cap = true;
            return Err(over_cap());
        }
        self.hasher.update(&out[..n]);
        let keep = HEAD_BYTES.saturating_sub(self.head.len()).min(n);
        self.head.extend_from_slice(&out[..keep]);
        Ok(n)
    }
}

fn over_cap() -> io::Error {
    io::Error::other("the file is over the size limit")
}

/// How the bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16 { little: bool },
}

/// Decodes to UTF-8: invalid UTF-8 becomes U+FFFD (as `String::from_utf8_lossy` would), UTF-16
/// is told by its byte-order mark or by the NUL next to the first `<`.
struct Decode<R> {
    inner: R,
    encoding: Option<Encoding>,
    /// Raw bytes not yet decoded: an incomplete sequence at a chunk's end.
    pending: Vec<u8>,
    /// Decoded bytes not yet handed out, from `at`.
    ready: Vec<u8>,
    at: usize,
    eof: bool,
}

impl<R: Read> Decode<R> {
    fn new(inner: R) -> Self {
        Decode {
            inner,
            encoding: None,
            pending: Vec::new(),
            ready: Vec::new(),
            at: 0,
            eof: false,
        }
    }

    /// Decodes what is pending into `ready`; at the end of the input, the incomplete rest too.
    fn decode(&mut self) {
        self.ready.clear();
        self.at = 0;
        let encoding = *self
            .encoding
            .get_or_insert_with(|| match self.pending.as_slice() {
                [0xff, 0xfe, ..] => {
                    self.pending.drain(..2);
                    Encoding::Utf16 { little: true }
                }
                [0xfe, 0xff, ..] => {
                    self.pending.drain(..2);
                    Encoding::Utf16 { little: false }
                }
                [b'<', 0, ..] => Encoding::Utf16 { little: true },
                [0, b'<', ..] => Encoding::Utf16 { little: false },
                _ => Encoding::Utf8,
            });
        match encoding {
            Encoding::Utf8 => self.decode_utf8(),
            Encoding::Utf16 { little } => self.decode_utf16(little),
        }
    }

    fn decode_utf8(&mut self) {
        let mut rest: &[u8] = &self.pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    self.ready.extend_from_slice(valid.as_bytes());
                    rest = &[];
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    self.ready.extend_from_slice(valid);
                    match e.error_len() {
                        Some(bad) => {
                            self.ready.extend_from_slice("\u{fffd}".as_bytes());
                            rest = &after[bad..];
                        }
                        // A sequence cut at the chunk's end: wait for the rest of it.
                        None if !self.eof => {
                            rest = after;
                            break;
                        }
                        None => {
                            self.ready.extend_from_slice("\u{fffd}".as_bytes());
                            rest = &[];
                            break;
                        }
                    }
                }
            }
        }
        let keep = rest.len();
        let from = self.pending.len() - keep;
        self.pending.drain(..from);
    }

    fn decode_utf16(&mut self, little: bool) {
        let whole = self.pending.len() / 2 * 2;
        let mut units: Vec<u16> = self.pending[..whole]
            .chunks_exact(2)
            .map(|p| {
                if little {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                }
            })
            .collect();
        let mut used = whole;
        // A high surrogate at the end waits for its partner in the next chunk.
        if !self.eof && units.last().is_some_and(|u| (0xd800..0xdc00).contains(u)) {
            units.pop();
            used -= 2;
        }
        let text = String::from_utf16_lossy(&units);
        self.ready.extend_from_slice(text.as_bytes());
        if self.eof && used < self.pending.len() {
            // An odd byte at the very end.
            self.ready.extend_from_slice("\u{fffd}".as_bytes());
            used = self.pending.len();
        }
        self.pending.drain(..used);
    }
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.ready.len() {
            if self.eof {
                return Ok(0);
            }
            let mut chunk = [0u8; 64 * 1024];
            let n = self.inner.read(&mut chunk)?;
            if n == 0 {
                self.eof = true;
            }
            self.pending.extend_from_slice(&chunk[..n]);
            // Enough bytes to tell the encoding, or all there is.
            if self.encoding.is_none() && self.pending.len() < 2 && !self.eof {
                continue;
            }
            self.decode();
        }
        let n = out.len().min(self.ready.len() - self.at);
        out[..n].copy_from_slice(&self.ready[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The decoded text as the parsers read it, with the lines of what they have consumed: the
/// line where an event starts is known once the parser marks it, and any position within the
/// current event maps to its line, while only the newlines since the mark are remembered.
pub(crate) struct Source<'a> {
    inner: BufReader<Decode<Capped<Box<dyn Read + 'a>>>>,
    consumed: u64,
    newlines: u64,
    /// The line of the last byte consumed that was not whitespace.
    last_content_line: u64,
    mark_offset: u64,
    mark_newlines: u64,
    /// Offsets of the newlines consumed since the mark.
    recent: Vec<u64>,
    /// The first read that failed (not the cap): the file, not its content, is the problem.
    io_error: Option<String>,
}

impl<'a> Source<'a> {
    /// Reads `input`, failing every read past `cap` bytes.
    pub(crate) fn new(input: Box<dyn Read + 'a>, cap: u64) -> Source<'a> {
        let capped = Capped {
            inner: input,
            cap,
            read: 0,
            hasher: Sha256::new(),
            head: Vec::new(),
            over_cap: false,
        };
        Source {
            inner: BufReader::with_capacity(64 * 1024, Decode::new(capped)),
            consumed: 0,
            newlines: 0,
            last_content_line: 0,
            mark_offset: 0,
            mark_newlines: 0,
            recent: Vec::new(),
            io_error: None,
        }
    }

    /// Why reading failed, when it did for a reason other than the cap.
    pub(crate) fn io_error(&self) -> Option<&str> {
        self.io_error.as_deref()
    }

    /// Bytes of decoded text consumed so far.
    pub(crate) fn position(&self) -> u64 {
        self.consumed
    }

    /// Starts a new event at the current position: positions before it are not asked about.
    pub(crate) fn mark(&mut self) {
        self.mark_offset = self.consumed;
        self.mark_newlines = self.newlines;
        self.recent.clear();
    }

    /// The 1-based line of a position at or after the mark (and not past what was consumed).
    pub(crate) fn line_of(&self, position: u64) -> u32 {
        let within = self.recent.partition_point(|&nl| nl < position) as u64;
        let line = if position < self.mark_offset {
            self.mark_newlines + 1
        } else {
            self.mark_newlines + within + 1
        };
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    /// The line the next byte is on.
    pub(crate) fn line(&self) -> u32 {
        u32::try_from(self.newlines + 1).unwrap_or(u32::MAX)
    }

    /// The last line that held anything but whitespace (1 for a blank file).
    pub(crate) fn last_content_line(&self) -> u32 {
        u32::try_from(self.last_content_line.max(1)).unwrap_or(u32::MAX)
    }

    /// Reads the rest of the input (to hash all of it), then gives what the raw bytes told.
    pub(crate) fn finish(mut self) -> io::Result<Raw> {
        loop {
            let n = self.inner.fill_buf()?.len();
            if n == 0 {
                break;
            }
            self.inner.consume(n);
        }
        Ok(self.raw())
    }

    /// What the raw bytes told so far (after an error, whether the cap was the cause).
    pub(crate) fn raw(self) -> Raw {
        let capped = self.inner.into_inner().inner;
        let digest = capped.hasher.finalize();
        Raw {
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
            head: capped.head,
            over_cap: capped.over_cap,
        }
    }
}

impl Read for Source<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(out.len());
            out[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Source<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if let Err(e) = self.inner.fill_buf() {
            if self.io_error.is_none() && !self.inner.get_ref().inner.over_cap {
                self.io_error = Some(e.to_string());
            }
            return Err(e);
        }
        // Filled: this second call reads nothing.
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if amount == 0 {
            return;
        }
        // The buffer is the one the caller just looked at: this reads nothing new.
        if let Ok(buffer) = self.inner.fill_buf() {
            let amount = amount.min(buffer.len());
            for (i, &b) in buffer[..amount].iter().enumerate() {
                if b == b'\n' {
                    self.newlines += 1;
                    self.recent.push(self.consumed + i as u64);
                } else if !b.is_ascii_whitespace() {
                    self.last_content_line = self.newlines + 1;
                }
            }
            self.consumed += amount as u64;
        }
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8], chunk: usize) -> String {
        // Reads through a reader that hands out `chunk` bytes at a time, so sequences are cut.
        struct Trickle<'b>(&'b [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut source = Source::new(Box::new(Trickle(bytes, chunk)), u64::MAX);
        let mut text = String::new();
        source.read_to_string(&mut text).expect("decodes");
        text
    }

    // r[verify robust.results-input]
    #[test]
    fn decodes_utf8_lossily_and_utf16_across_chunk_boundaries() {
        let text = "<a>é 𝄞 ok</a>\n";
        let mut le = vec![0xff, 0xfe];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for chunk in [1, 2, 3, 5, 4096] {
            assert_eq!(decoded(text.as_bytes(), chunk), text, "{chunk}");
            assert_eq!(decoded(&le, chunk), text, "{chunk}");
            assert_eq!(decoded(&be, chunk), text, "{chunk}");
            let bad = b"a\xffb\xe2\x82";
            assert_eq!(decoded(bad, chunk), String::from_utf8_lossy(bad), "{chunk}");
        }
    }

    // r[verify robust.results-input]
    #[test]
    fn the_cap_stops_reading_and_the_hash_covers_every_byte() {
        let bytes = b"0123456789".repeat(10);
        let mut source = Source::new(Box::new(&bytes[..]), 50);
        let mut sink = Vec::new();
        assert!(source.read_to_end(&mut sink).is_err());
        assert!(source.raw().over_cap);
        let source = Source::new(Box::new(&bytes[..]), 100);
        let raw = source.finish().expect("under the cap");
        assert!(!raw.over_cap);
        let expected: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(raw.sha256, expected);
    }
}
