// Why a client must read while it writes: an echo server over an in-memory
// pipe, and two clients, one that writes everything before reading.

use std::time::Duration;

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;

/// Echoes everything from `stream` back into it, until the end of stream.
pub async fn echo_server<S: AsyncRead + AsyncWrite>(stream: S) -> io::Result<u64> {
    // `tokio::io::split` splits any stream, here a `DuplexStream`. The two
    // halves share it behind a lock, taken for each read or write.
    let (mut reader, mut writer) = io::split(stream);
    let echoed = io::copy(&mut reader, &mut writer).await?;
    writer.shutdown().await?;
    Ok(echoed)
}

// ANCHOR: stuck
/// Writes the whole message, then reads the reply.
pub async fn write_then_read<S>(mut stream: S, message: &[u8]) -> io::Result<Vec<u8>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    stream.write_all(message).await?;
    stream.shutdown().await?;
    let mut echoed = Vec::new();
    stream.read_to_end(&mut echoed).await?;
    Ok(echoed)
}
// ANCHOR_END: stuck

// ANCHOR: fixed
/// Writes and reads at the same time, with the stream split in two.
pub async fn write_while_reading<S>(stream: S, message: &[u8]) -> io::Result<Vec<u8>>
where
    S: AsyncRead + AsyncWrite,
{
    let (mut reader, mut writer) = io::split(stream);
    let mut echoed = Vec::new();
    tokio::try_join!(
        async {
            writer.write_all(message).await?;
            writer.shutdown().await
        },
        reader.read_to_end(&mut echoed),
    )?;
    Ok(echoed)
}
// ANCHOR_END: fixed

/// Runs one client against a fresh server over a pipe that holds 1 KiB in
/// each direction. `None` if the client is still stuck after 10 s.
pub async fn try_client(
    message_len: usize,
    read_while_writing: bool,
) -> Option<usize> {
    let (client, server) = io::duplex(1024);
    tokio::spawn(echo_server(server));
    let message = vec![b'x'; message_len];
    let client = async {
        if read_while_writing {
            write_while_reading(client, &message).await
        } else {
            write_then_read(client, &message).await
        }
    };
    let echoed = timeout(Duration::from_secs(10), client).await.ok()?;
    Some(echoed.expect("an in-memory pipe cannot fail").len())
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    for (len, together) in [(64, false), (65_536, false), (65_536, true)] {
        let how = if together {
            "while reading"
        } else {
            "then read"
        };
        match try_client(len, together).await {
            Some(echoed) => println!("{len} bytes written {how}: {echoed} echoed"),
            None => println!("{len} bytes written {how}: stuck after 10 s"),
        }
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_small_message_gets_through_either_way() {
        assert_eq!(try_client(64, false).await, Some(64));
        assert_eq!(try_client(64, true).await, Some(64));
    }

    #[tokio::test(start_paused = true)]
    async fn writing_a_big_message_before_reading_gets_stuck() {
        // The server's replies fill the pipe back to us; it stops reading
        // until we read, and we never read because our write never ends.
        assert_eq!(try_client(65_536, false).await, None);
    }

    #[tokio::test(start_paused = true)]
    async fn reading_while_writing_echoes_everything() {
        assert_eq!(try_client(1024 * 1024, true).await, Some(1024 * 1024));
    }
}
