// A read that races a heartbeat in `select!`: `read_line` loses the part of
// a line it had read when the heartbeat wins; `Lines::next_line` does not.

use std::time::Duration;

use tokio::io::{self, AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::time::{Instant, interval_at};

/// A peer that sends "hel", pauses for 1.5 s, then sends "lo\n".
fn slow_peer() -> DuplexStream {
    let (mut peer, ours) = io::duplex(64);
    tokio::spawn(async move {
        peer.write_all(b"hel").await.unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        peer.write_all(b"lo\n").await.unwrap();
    });
    ours
}

// ANCHOR: read_line
/// Not cancellation safe: when the heartbeat wins, the `read_line` future
/// is dropped, and the bytes it had taken from the buffer go with it.
pub async fn first_line_with_read_line() -> (String, u32) {
    let mut reader = BufReader::new(slow_peer());
    let mut heartbeat = interval_at(
        Instant::now() + Duration::from_secs(1),
        Duration::from_secs(1),
    );
    let mut beats = 0;
    let mut line = String::new();
    loop {
        tokio::select! {
            read = reader.read_line(&mut line) => {
                read.unwrap();
                return (line, beats);
            }
            _ = heartbeat.tick() => beats += 1,
        }
    }
}
// ANCHOR_END: read_line

// ANCHOR: next_line
/// Cancellation safe: `Lines` keeps a partial line inside itself, not in the
/// future, so dropping a `next_line` future loses nothing.
pub async fn first_line_with_next_line() -> (String, u32) {
    let mut lines = BufReader::new(slow_peer()).lines();
    let mut heartbeat = interval_at(
        Instant::now() + Duration::from_secs(1),
        Duration::from_secs(1),
    );
    let mut beats = 0;
    loop {
        tokio::select! {
            line = lines.next_line() => {
                return (line.unwrap().expect("a line"), beats);
            }
            _ = heartbeat.tick() => beats += 1,
        }
    }
}
// ANCHOR_END: next_line

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let (line, beats) = first_line_with_read_line().await;
    // `read_line` keeps the newline; trimmed here for a tidy output.
    println!("read_line: {:?} after {beats} heartbeat", line.trim_end());
    let (line, beats) = first_line_with_next_line().await;
    println!("next_line: {line:?} after {beats} heartbeat");
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::timeout;

    // A read that never completes would leave the heartbeat ticking forever.
    const LIMIT: Duration = Duration::from_secs(10);

    #[tokio::test(start_paused = true)]
    async fn read_line_in_select_loses_the_start_of_the_line() {
        let start = Instant::now();
        let first = timeout(LIMIT, first_line_with_read_line()).await.unwrap();
        assert_eq!(first, ("lo\n".to_string(), 1));
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
    }

    #[tokio::test(start_paused = true)]
    async fn next_line_in_select_keeps_the_whole_line() {
        let start = Instant::now();
        let first = timeout(LIMIT, first_line_with_next_line()).await.unwrap();
        assert_eq!(first, ("hello".to_string(), 1));
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
    }
}
