// Buffered reading and writing: `BufReader` and its `lines`, `BufWriter`
// and the `flush` it needs.

use std::time::Duration;

use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter,
};
use tokio::time::timeout;

// ANCHOR: lines
/// Every line of `reader`, without its `\n` (or `\r\n`).
pub async fn all_lines<R: AsyncRead + Unpin>(
    reader: R,
) -> std::io::Result<Vec<String>> {
    // `BufReader` reads big chunks into a buffer and hands them out in
    // pieces, here up to each newline. `lines()` wraps it in a `Lines`.
    let mut lines = BufReader::new(reader).lines();
    let mut all = Vec::new();
    // `next_line` returns `Ok(None)` at the end of the stream.
    while let Some(line) = lines.next_line().await? {
        all.push(line);
    }
    Ok(all)
}
// ANCHOR_END: lines

// ANCHOR: flush
/// What the reader has received `wait` after the writer wrote into a
/// `BufWriter`, before and after `flush`.
pub async fn before_and_after_flush(
    wait: Duration,
) -> (Option<String>, Option<String>) {
    let (socket, mut peer) = tokio::io::duplex(1024);
    let mut writer = BufWriter::new(socket);
    let mut buffer = [0u8; 64];

    // The bytes go into the `BufWriter`'s 8 KiB buffer, not to the peer.
    writer.write_all(b"ping").await.unwrap();
    let before = match timeout(wait, peer.read(&mut buffer)).await {
        Ok(n) => Some(String::from_utf8_lossy(&buffer[..n.unwrap()]).into_owned()),
        Err(_elapsed) => None,
    };

    // `flush` writes the buffer out. (`shutdown` flushes too, then ends
    // the stream.) Dropping a `BufWriter` does neither: unflushed bytes
    // are simply lost.
    writer.flush().await.unwrap();
    let after = match timeout(wait, peer.read(&mut buffer)).await {
        Ok(n) => Some(String::from_utf8_lossy(&buffer[..n.unwrap()]).into_owned()),
        Err(_elapsed) => None,
    };
    (before, after)
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let (before, after) = before_and_after_flush(Duration::from_secs(1)).await;
    println!("1 s after write_all, before flush, the peer has: {before:?}");
    println!("after flush, the peer has: {after:?}");
}
// ANCHOR_END: flush

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_come_without_their_line_endings() {
        let input: &[u8] = b"first\r\nsecond\n\nlast without newline";
        let lines = all_lines(input).await.unwrap();
        assert_eq!(lines, ["first", "second", "", "last without newline"]);
    }

    #[tokio::test]
    async fn read_line_keeps_the_newline_and_appends() {
        let mut reader = BufReader::new(&b"one\ntwo\n"[..]);
        let mut line = String::new();
        assert_eq!(reader.read_line(&mut line).await.unwrap(), 4);
        assert_eq!(reader.read_line(&mut line).await.unwrap(), 4);
        // `read_line` appends: clear the string between lines yourself.
        assert_eq!(line, "one\ntwo\n");
        assert_eq!(
            reader.read_line(&mut line).await.unwrap(),
            0,
            "end of stream"
        );
    }

    #[tokio::test]
    async fn lines_has_no_limit_on_the_length_of_a_line() {
        // A peer that never sends a newline: `next_line` keeps buffering.
        let endless = vec![b'x'; 4 * 1024 * 1024];
        let lines = all_lines(&endless[..]).await.unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].len(), 4 * 1024 * 1024, "4 MiB held in memory");
    }

    #[tokio::test(start_paused = true)]
    async fn unflushed_bytes_stay_in_the_buffer() {
        let (before, after) = before_and_after_flush(Duration::from_secs(1)).await;
        assert_eq!(before, None);
        assert_eq!(after.as_deref(), Some("ping"));
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_a_buf_writer_loses_what_it_held() {
        let (socket, mut peer) = tokio::io::duplex(1024);
        let mut writer = BufWriter::new(socket);
        writer.write_all(b"lost").await.unwrap();
        drop(writer);
        let mut received = Vec::new();
        let read = timeout(Duration::from_secs(1), peer.read_to_end(&mut received));
        read.await.unwrap().unwrap();
        assert!(received.is_empty());
    }
}
