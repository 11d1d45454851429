//! Reading an event file in bounded steps: at most [`CHUNK`] bytes at a
//! time, lines of at most [`MAX_LINE`] bytes. A longer line is passed over
//! without being held, even when it runs across chunks or passes; a torn
//! last line is left for the next pass, when it may be whole.

use super::{FolderFile, OpenError};
use std::ops::Range;

pub const CHUNK: usize = 1 << 20;
/// The longest event line: two texts of 2,000 characters, escaped, with room.
pub const MAX_LINE: usize = 64 * 1024;

/// Where reading a file goes on from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub pos: u64,
    /// Inside a line too long to be an event, which began here.
    pub long_line_from: Option<u64>,
}

#[derive(Debug, Default)]
pub struct Chunk {
    pub buf: Vec<u8>,
    /// Each complete line: where it starts in the file, and its bytes in `buf`.
    pub lines: Vec<(u64, Range<usize>)>,
    /// Where each line too long to be an event began (those ended here).
    pub too_long: Vec<u64>,
    pub next: Cursor,
    /// The end of the file was reached: what is left is a torn line or nothing.
    pub at_end: bool,
}

impl Chunk {
    pub fn line(&self, range: &Range<usize>) -> &[u8] {
        self.buf.get(range.clone()).unwrap_or_default()
    }

    pub fn bytes_taken(&self, from: &Cursor) -> u64 {
        self.next.pos.saturating_sub(from.pos)
    }
}

/// Reads the next chunk of `file` from `cursor`, with the folder's deadline.
pub fn read_chunk(file: &FolderFile, cursor: Cursor) -> Result<Chunk, OpenError> {
    Ok(split(file.read(cursor.pos, CHUNK)?, cursor))
}

fn split(buf: Vec<u8>, cursor: Cursor) -> Chunk {
    let mut lines = Vec::new();
    let mut too_long = Vec::new();
    let mut long_from = cursor.long_line_from;
    let mut start = 0;
    while let Some(newline) = buf[start..].iter().position(|&b| b == b'\n') {
        let end = start + newline;
        let offset = cursor.pos + start as u64;
        if let Some(from) = long_from.take() {
            too_long.push(from);
        } else if end - start > MAX_LINE {
            too_long.push(offset);
        } else if end > start {
            lines.push((offset, start..end));
        }
        start = end + 1;
    }
    let rest = buf.len() - start;
    let consumed = if long_from.is_some() {
        buf.len()
    } else if rest > MAX_LINE {
        long_from = Some(cursor.pos + start as u64);
        buf.len()
    } else {
        start
    };
    Chunk {
        at_end: buf.len() < CHUNK,
        next: Cursor {
            pos: cursor.pos + consumed as u64,
            long_line_from: long_from,
        },
        buf,
        lines,
        too_long,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(chunk: &Chunk) -> Vec<(u64, String)> {
        chunk
            .lines
            .iter()
            .map(|(o, r)| (*o, String::from_utf8_lossy(chunk.line(r)).into_owned()))
            .collect()
    }

    #[test]
    fn complete_lines_are_taken_and_a_torn_tail_waits() {
        let chunk = split(
            b"a\n\nbc\nde".to_vec(),
            Cursor {
                pos: 10,
                long_line_from: None,
            },
        );
        assert_eq!(texts(&chunk), vec![(10, "a".into()), (13, "bc".into())]);
        assert_eq!(chunk.next.pos, 16);
        assert!(chunk.at_end);
    }

    #[test]
    fn a_line_too_long_is_passed_over_across_chunks_without_being_held() {
        let mut long = vec![b'x'; CHUNK];
        let chunk = split(long.clone(), Cursor::default());
        assert!(chunk.lines.is_empty());
        assert_eq!(
            chunk.next,
            Cursor {
                pos: CHUNK as u64,
                long_line_from: Some(0)
            }
        );
        assert!(!chunk.at_end);
        long.truncate(100);
        long.extend_from_slice(b"\nok\n");
        let chunk = split(long, chunk.next);
        assert_eq!(chunk.too_long, vec![0]);
        assert_eq!(texts(&chunk), vec![(CHUNK as u64 + 101, "ok".into())]);
    }

    #[test]
    fn a_short_overlong_line_within_a_chunk_is_counted_once() {
        let mut bytes = vec![b'y'; MAX_LINE + 1];
        bytes.push(b'\n');
        bytes.extend_from_slice(b"{}\n");
        let chunk = split(bytes, Cursor::default());
        assert_eq!(chunk.too_long, vec![0]);
        assert_eq!(texts(&chunk), vec![((MAX_LINE + 2) as u64, "{}".into())]);
    }
}
