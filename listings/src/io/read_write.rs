// `read` returns what has arrived, not what was sent: one `write_all` of 13
// bytes, read back through a pipe that holds at most 4 bytes at a time.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

// ANCHOR: read_loop
/// Reads until the end of the stream and returns each chunk `read` gave.
pub async fn read_chunks<R: AsyncRead + Unpin>(
    mut reader: R,
) -> std::io::Result<Vec<String>> {
    let mut chunks = Vec::new();
    let mut buffer = [0u8; 64];
    loop {
        // `read` waits until at least one byte is there, then returns how
        // many it put into `buffer`: anything from 1 to `buffer.len()`.
        let n = reader.read(&mut buffer).await?;
        if n == 0 {
            // 0 means the end of the stream: the writer shut down or went away.
            return Ok(chunks);
        }
        chunks.push(String::from_utf8_lossy(&buffer[..n]).into_owned());
    }
}
// ANCHOR_END: read_loop

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    // An in-memory pipe, like a connected pair of sockets. Each direction
    // holds at most 4 bytes until the other side reads them.
    let (mut writer, reader) = tokio::io::duplex(4);

    let sending = tokio::spawn(async move {
        // `write_all` keeps writing until every byte is taken, waiting
        // whenever the pipe is full.
        writer.write_all(b"hello, world!").await?;
        // No more data: the reader's next `read` returns 0.
        writer.shutdown().await
    });

    let chunks = read_chunks(reader)
        .await
        .expect("an in-memory pipe cannot fail");
    for chunk in chunks {
        println!("read {chunk:?}");
    }
    sending.await.unwrap().expect("the reader read everything");

    // `read_exact` fills the whole buffer or fails: it never returns less.
    let mut short: &[u8] = b"abc"; // a byte slice is an `AsyncRead` too
    let mut header = [0u8; 5];
    let error = short.read_exact(&mut header).await.unwrap_err();
    println!("read_exact of 5 bytes from 3: {:?}, {error}", error.kind());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::ErrorKind;
    use std::time::Duration;
    use tokio::time::timeout;

    const LIMIT: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn a_small_pipe_delivers_one_write_as_several_reads() {
        let (mut writer, reader) = tokio::io::duplex(4);
        let sending = tokio::spawn(async move {
            writer.write_all(b"hello, world!").await.unwrap();
            writer.shutdown().await.unwrap();
        });
        let chunks = timeout(LIMIT, read_chunks(reader)).await.unwrap().unwrap();
        assert_eq!(chunks, ["hell", "o, w", "orld", "!"]);
        sending.await.unwrap();
    }

    #[tokio::test]
    async fn two_writes_can_arrive_as_one_read() {
        let (mut writer, reader) = tokio::io::duplex(64);
        writer.write_all(b"hello").await.unwrap();
        writer.write_all(b"world").await.unwrap();
        drop(writer); // dropping a duplex end also ends the stream
        let chunks = timeout(LIMIT, read_chunks(reader)).await.unwrap().unwrap();
        assert_eq!(chunks, ["helloworld"]);
    }

    #[tokio::test]
    async fn read_exact_fails_on_a_short_stream() {
        let mut short: &[u8] = b"abc";
        let mut header = [0u8; 5];
        let error = short.read_exact(&mut header).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnexpectedEof);
        let mut exact: &[u8] = b"abcde!";
        exact.read_exact(&mut header).await.unwrap();
        assert_eq!(&header, b"abcde");
        assert_eq!(exact, b"!", "read_exact takes no more than it needs");
    }

    #[tokio::test(start_paused = true)]
    async fn without_shutdown_the_reader_waits_forever() {
        let (mut writer, reader) = tokio::io::duplex(64);
        writer.write_all(b"hello").await.unwrap();
        // The writer is still alive and has not shut down: no end of stream.
        let waited = timeout(Duration::from_secs(10), read_chunks(reader)).await;
        assert!(waited.is_err(), "the reader never saw the end");
        drop(writer);
    }
}
