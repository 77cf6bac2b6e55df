// Framing: turning a stream of bytes into messages, with a limit on how big
// a message may be, so that bad input is an error and not a memory leak.

use std::time::Duration;

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::io::{self, AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;
use tokio_util::codec::{
    Framed, FramedRead, LengthDelimitedCodec, LinesCodec, LinesCodecError,
};

/// The longest line the server accepts, in bytes, without its newline.
pub const MAX_LINE: usize = 64;

// ANCHOR: lines_server
/// Answers each line with the line in capitals. A line longer than
/// `MAX_LINE` gets an error reply, and the connection is closed. Returns
/// what happened, for the program to print.
pub async fn shout_server<S>(stream: S) -> Vec<String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // `Framed` reads and writes whole lines. It keeps the bytes of a line
    // that has not fully arrived in its buffer until the newline comes.
    let mut lines = Framed::new(stream, LinesCodec::new_with_max_length(MAX_LINE));
    let mut log = Vec::new();
    while let Some(line) = lines.next().await {
        match line {
            Ok(line) => {
                log.push(format!("server got {line:?}"));
                if lines.send(line.to_uppercase()).await.is_err() {
                    break; // the client has gone
                }
            }
            Err(LinesCodecError::MaxLineLengthExceeded) => {
                // The codec saw more than MAX_LINE bytes without a newline
                // and gave up, holding one read's worth of bytes at most,
                // however long the line is.
                log.push("server got a line that is too long".to_string());
                let reply = format!("ERR lines are at most {MAX_LINE} bytes");
                let _ = lines.send(reply).await;
                // After an error, a `Framed` stream ends: `next` returns
                // `None`. Closing the connection says so to the client.
                break;
            }
            Err(LinesCodecError::Io(error)) => {
                log.push(format!("server: connection failed: {error}"));
                break;
            }
        }
    }
    log
}
// ANCHOR_END: lines_server

/// Sends `bytes` to a fresh `shout_server` and returns its log and replies.
pub async fn talk_to_shout_server(bytes: Vec<u8>) -> (Vec<String>, Vec<String>) {
    let (client, server) = io::duplex(256);
    let server = tokio::spawn(shout_server(server));
    let (reader, mut writer) = io::split(client);
    let sending = tokio::spawn(async move {
        // The server may hang up before it has read everything.
        let _ = writer.write_all(&bytes).await;
        let _ = writer.shutdown().await;
    });
    // The client reads replies as lines too, without a limit: it trusts
    // this server.
    let replies: Vec<String> = FramedRead::new(reader, LinesCodec::new())
        .map(|reply| reply.expect("replies are whole lines"))
        .collect()
        .await;
    sending.await.unwrap();
    (server.await.unwrap(), replies)
}

// ANCHOR: length_delimited
/// The largest frame the reader accepts, in bytes.
pub const MAX_FRAME: usize = 1024;

/// Reads length-delimited frames (a 4-byte big-endian length, then that
/// many bytes) until the end of the stream or the first error.
pub async fn read_frames<R: AsyncRead + Unpin>(
    reader: R,
) -> (Vec<Bytes>, Option<io::Error>) {
    let codec = LengthDelimitedCodec::builder()
        .max_frame_length(MAX_FRAME)
        .new_codec();
    let mut frames = FramedRead::new(reader, codec);
    let mut received = Vec::new();
    while let Some(frame) = frames.next().await {
        match frame {
            Ok(frame) => received.push(frame.freeze()),
            // A length above `MAX_FRAME` is an `InvalidData` error as soon as
            // the 4 bytes of the length arrive, before any payload.
            Err(error) => return (received, Some(error)),
        }
    }
    (received, None)
}
// ANCHOR_END: length_delimited

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let mut input = b"hello\n".to_vec();
    input.extend(vec![b'x'; 100]); // 100 bytes and no newline yet
    input.extend(b"\nworld\n");
    let (log, replies) = timeout(Duration::from_secs(5), talk_to_shout_server(input))
        .await
        .expect("the conversation ends");
    for line in log {
        println!("{line}");
    }
    println!("client got back {replies:?}");

    // Two good frames, then a header that claims 2 GiB.
    let (mut writer, reader) = io::duplex(64);
    let mut sender = Framed::new(&mut writer, LengthDelimitedCodec::new());
    sender.send(Bytes::from("first")).await.unwrap();
    sender.send(Bytes::from("second")).await.unwrap();
    writer
        .write_all(&0x8000_0000u32.to_be_bytes())
        .await
        .unwrap();
    let (frames, error) = read_frames(reader).await;
    println!(
        "frames: {frames:?}, then {:?}",
        error.map(|e| (e.kind(), e.to_string()))
    );
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_test::io::Builder;

    const LIMIT: Duration = Duration::from_secs(5);

    #[tokio::test(start_paused = true)]
    async fn lines_before_a_bad_one_are_all_answered_and_the_error_is_clear() {
        let mut input = b"one\ntwo\n".to_vec();
        input.extend(vec![b'x'; 10_000]);
        input.extend(b"\nthree\n");
        let (log, replies) =
            timeout(LIMIT, talk_to_shout_server(input)).await.unwrap();
        assert_eq!(
            log,
            [
                "server got \"one\"",
                "server got \"two\"",
                "server got a line that is too long",
            ]
        );
        assert_eq!(replies, ["ONE", "TWO", "ERR lines are at most 64 bytes"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_line_of_exactly_the_limit_is_accepted() {
        let mut input = vec![b'a'; MAX_LINE];
        input.push(b'\n');
        let (_log, replies) =
            timeout(LIMIT, talk_to_shout_server(input)).await.unwrap();
        assert_eq!(replies, ["A".repeat(MAX_LINE)]);
    }

    /// What a `LinesCodec` holds in memory after a peer that stays connected
    /// sent 1 MiB without a newline, and what `next` gave (if anything).
    async fn after_a_megabyte_without_newline(
        codec: LinesCodec,
    ) -> (usize, Option<Result<String, LinesCodecError>>) {
        let (mut writer, reader) = io::duplex(1024 * 1024);
        writer.write_all(&vec![b'x'; 1024 * 1024]).await.unwrap();
        let mut lines = FramedRead::new(reader, codec);
        let next = timeout(LIMIT, lines.next()).await.ok().flatten();
        drop(writer);
        (lines.read_buffer().len(), next)
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_limit_the_line_codec_buffers_everything() {
        let (buffered, next) =
            after_a_megabyte_without_newline(LinesCodec::new()).await;
        assert!(next.is_none(), "still waiting for a newline");
        assert_eq!(buffered, 1024 * 1024);
    }

    #[tokio::test(start_paused = true)]
    async fn with_a_limit_the_line_codec_gives_up_early() {
        let codec = LinesCodec::new_with_max_length(MAX_LINE);
        let (buffered, next) = after_a_megabyte_without_newline(codec).await;
        assert!(matches!(
            next,
            Some(Err(LinesCodecError::MaxLineLengthExceeded))
        ));
        // One read's worth at most, not the megabyte.
        assert!(buffered <= 16 * 1024, "{buffered} bytes buffered");
    }

    #[tokio::test(start_paused = true)]
    async fn frames_split_across_many_reads_arrive_whole_and_in_order() {
        // A pipe of 3 bytes: every frame arrives in many small pieces.
        let (mut writer, reader) = io::duplex(3);
        let sent: Vec<Bytes> = ["", "a", "hello, world", &"y".repeat(MAX_FRAME)]
            .into_iter()
            .map(|text| Bytes::from(text.to_string()))
            .collect();
        let to_send = sent.clone();
        let sending = tokio::spawn(async move {
            let mut sink = Framed::new(&mut writer, LengthDelimitedCodec::new());
            for frame in to_send {
                sink.send(frame).await.unwrap();
            }
        });
        let (frames, error) = timeout(LIMIT, read_frames(reader)).await.unwrap();
        assert!(error.is_none());
        assert_eq!(frames, sent);
        sending.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn an_oversized_length_is_an_error_at_once_and_loses_nothing_before_it() {
        let (mut writer, reader) = io::duplex(1024);
        let mut sink = Framed::new(&mut writer, LengthDelimitedCodec::new());
        sink.send(Bytes::from("first")).await.unwrap();
        sink.send(Bytes::from("second")).await.unwrap();
        // A length of MAX_FRAME + 1, and no payload ever follows: the reader
        // must not wait for it, let alone allocate it.
        writer
            .write_all(&(MAX_FRAME as u32 + 1).to_be_bytes())
            .await
            .unwrap();
        let (frames, error) = timeout(LIMIT, read_frames(reader)).await.unwrap();
        assert_eq!(frames, [Bytes::from("first"), Bytes::from("second")]);
        let error = error.expect("an error for the oversized frame");
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert_eq!(error.to_string(), "frame size too big");
        drop(writer);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_that_ends_inside_a_frame_is_an_error_not_a_short_frame() {
        let mut bytes = 10u32.to_be_bytes().to_vec();
        bytes.extend(b"only 7!");
        let (frames, error) = timeout(LIMIT, read_frames(&bytes[..])).await.unwrap();
        assert!(frames.is_empty());
        assert!(error.is_some(), "7 of 10 bytes is not a frame");
    }

    // tokio-test's mock stream plays a script of reads and checks every
    // write against it, byte for byte (shown in the testing chapter).
    // ANCHOR: script
    #[tokio::test]
    async fn the_server_answers_in_capitals_then_refuses_a_long_line() {
        let too_long = vec![b'x'; MAX_LINE + 1]; // and no newline
        let stream = Builder::new()
            .read(b"hi\n")
            .write(b"HI\n")
            .read(&too_long)
            .write(b"ERR lines are at most 64 bytes\n")
            .build();

        let log = shout_server(stream).await;

        assert_eq!(
            log,
            ["server got \"hi\"", "server got a line that is too long"]
        );
    }
    // ANCHOR_END: script

    #[tokio::test]
    #[should_panic(
        expected = "failed: name=shout i=0\n  left: [72, 73, 10]\n right: [104, 105, 10]"
    )]
    async fn a_write_the_script_does_not_expect_panics() {
        let stream = Builder::new()
            .name("shout")
            .read(b"hi\n")
            .write(b"hi\n") // the server writes "HI\n"
            .build();
        shout_server(stream).await;
    }
}
