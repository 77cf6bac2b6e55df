// Reading a file as a stream: raw chunks with `ReaderStream`, lines with
// `FramedRead` and a `LinesCodec` that has a maximum line length.

// ANCHOR: chunks
use std::path::Path;

use bytes::{Bytes, BytesMut};
use tokio::fs::File;
use tokio_stream::StreamExt;
use tokio_util::codec::{Decoder, FramedRead, LinesCodec, LinesCodecError};
use tokio_util::io::ReaderStream;

/// The file's bytes as a stream of chunks of at most `chunk_size` bytes.
pub async fn file_chunks(
    path: &Path,
    chunk_size: usize,
) -> std::io::Result<Vec<Bytes>> {
    let file = File::open(path).await?;
    // `ReaderStream` owns one buffer and reuses it: each item is an
    // `io::Result<Bytes>` with what one read returned. It ends at EOF.
    let mut chunks = ReaderStream::with_capacity(file, chunk_size);
    let mut all = Vec::new();
    while let Some(chunk) = chunks.next().await {
        all.push(chunk?);
    }
    Ok(all)
}
// ANCHOR_END: chunks

// ANCHOR: lines_naive
/// Every line of the file, or an error for a line longer than `max_len`.
/// Looks right, and loses every line after the first bad one.
pub async fn file_lines_naive(
    path: &Path,
    max_len: usize,
) -> std::io::Result<Vec<Result<String, LinesCodecError>>> {
    let file = File::open(path).await?;
    // Without a maximum, a file with no newline is read into memory whole.
    let mut lines = FramedRead::new(file, LinesCodec::new_with_max_length(max_len));
    let mut all = Vec::new();
    // After a decoding error, `FramedRead` returns `None` once: this loop
    // takes that for the end of the file.
    while let Some(line) = lines.next().await {
        all.push(line);
    }
    Ok(all)
}
// ANCHOR_END: lines_naive

// ANCHOR: lines
/// `LinesCodec`, with its errors turned into items: a line that is too long
/// (or not UTF-8) becomes one `Err` item, and the stream goes on.
pub struct LinesWithErrors {
    inner: LinesCodec,
}

impl LinesWithErrors {
    pub fn new(max_len: usize) -> Self {
        LinesWithErrors {
            inner: LinesCodec::new_with_max_length(max_len),
        }
    }
}

impl Decoder for LinesWithErrors {
    type Item = Result<String, LinesCodecError>;
    // What is left for the stream itself: errors reading the file.
    type Error = std::io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> std::io::Result<Option<Self::Item>> {
        // Every error `LinesCodec` reports here is about one line, and the
        // codec has already arranged to skip it: after a too-long line it
        // discards bytes up to the next newline, then reads lines again.
        // `transpose` turns `Err(e)` into the item `Some(Err(e))`.
        Ok(self.inner.decode(buf).transpose())
    }

    fn decode_eof(
        &mut self,
        buf: &mut BytesMut,
    ) -> std::io::Result<Option<Self::Item>> {
        // At the end of the file: the last line may lack its newline.
        Ok(self.inner.decode_eof(buf).transpose())
    }
}

/// Every line of the file; a bad line is an `Err` item, and the lines after
/// it are still read.
pub async fn file_lines(
    path: &Path,
    max_len: usize,
) -> std::io::Result<Vec<Result<String, LinesCodecError>>> {
    let file = File::open(path).await?;
    let mut lines = FramedRead::new(file, LinesWithErrors::new(max_len));
    let mut all = Vec::new();
    // The outer `?` is for read errors, which do end the stream.
    while let Some(line) = lines.next().await {
        all.push(line?);
    }
    Ok(all)
}
// ANCHOR_END: lines

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn temp_file_with(contents: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(contents).unwrap();
        file
    }

    /// The lines as text, with errors written as `<error message>`.
    fn shown(lines: Vec<Result<String, LinesCodecError>>) -> Vec<String> {
        lines
            .into_iter()
            .map(|line| line.unwrap_or_else(|e| format!("<{e}>")))
            .collect()
    }

    const WITH_A_LONG_LINE: &[u8] =
        b"one\ntwo\nthis line is far too long\nthree\nfour";

    #[tokio::test]
    async fn reader_stream_yields_chunks_of_at_most_the_capacity() {
        let file = temp_file_with(b"hello, streams");
        let chunks = file_chunks(file.path(), 4).await.unwrap();
        assert_eq!(chunks, ["hell", "o, s", "trea", "ms"]);
        let whole: Vec<u8> = chunks.concat();
        assert_eq!(whole, b"hello, streams");
    }

    #[tokio::test]
    async fn the_naive_loop_loses_the_lines_after_a_bad_one() {
        let file = temp_file_with(WITH_A_LONG_LINE);
        let lines = file_lines_naive(file.path(), 8).await.unwrap();
        // "three" and "four" are still in the file, and never seen.
        assert_eq!(shown(lines), ["one", "two", "<max line length exceeded>"]);
    }

    #[tokio::test]
    async fn framed_read_goes_on_if_polled_after_the_none() {
        // What the naive loop missed: the `None` was not the end.
        let file = File::open(temp_file_with(WITH_A_LONG_LINE).path())
            .await
            .unwrap();
        let mut lines = FramedRead::new(file, LinesCodec::new_with_max_length(8));
        assert_eq!(lines.next().await.unwrap().unwrap(), "one");
        assert_eq!(lines.next().await.unwrap().unwrap(), "two");
        assert!(matches!(
            lines.next().await,
            Some(Err(LinesCodecError::MaxLineLengthExceeded))
        ));
        assert!(lines.next().await.is_none());
        assert_eq!(lines.next().await.unwrap().unwrap(), "three");
    }

    #[tokio::test]
    async fn a_long_line_is_one_error_and_nothing_after_it_is_lost() {
        let file = temp_file_with(WITH_A_LONG_LINE);
        let lines = file_lines(file.path(), 8).await.unwrap();
        assert!(matches!(
            lines[2],
            Err(LinesCodecError::MaxLineLengthExceeded)
        ));
        assert_eq!(
            shown(lines),
            ["one", "two", "<max line length exceeded>", "three", "four"]
        );
    }

    #[tokio::test]
    async fn invalid_utf8_and_a_long_last_line_are_errors_too() {
        let file = temp_file_with(b"ok\n\xff\xfe\nfine\nlast line has no newline");
        let lines = shown(file_lines(file.path(), 8).await.unwrap());
        assert_eq!(lines[0], "ok");
        assert_eq!(lines[1], "<Unable to decode input as UTF8>");
        assert_eq!(lines[2], "fine");
        assert_eq!(lines[3], "<max line length exceeded>");
        assert_eq!(lines.len(), 4);
    }

    #[tokio::test]
    async fn a_missing_file_is_an_error_before_any_line() {
        let dir = tempfile::tempdir().unwrap();
        let error = file_lines(&dir.path().join("missing.txt"), 8)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    }
}
