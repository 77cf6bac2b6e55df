// The other direction: a `Sink` accepts items. `FramedWrite` turns a byte
// writer into a sink of frames, here lines.

// ANCHOR: sink
use futures::{SinkExt, StreamExt};
use tokio::io::DuplexStream;
use tokio_util::codec::{FramedRead, FramedWrite, LinesCodec, LinesCodecError};

/// Writes each message as one line to `writer`, then closes it.
pub async fn send_lines(
    writer: DuplexStream,
    messages: Vec<String>,
) -> Result<(), LinesCodecError> {
    let mut lines = FramedWrite::new(writer, LinesCodec::new());
    for message in messages {
        // `send` encodes the item into the write buffer and flushes it:
        // when it returns, the bytes have been handed to the writer.
        lines.send(message).await?;
    }
    // `close` flushes anything left and shuts the writer down, so the
    // reader sees the end of the stream. `LinesCodec` can encode anything
    // that is `AsRef<str>`, so the writer is a sink of many item types and
    // `close` has to be told which one we mean.
    SinkExt::<String>::close(&mut lines).await
}

/// Reads lines from `reader` until the other side closes.
pub async fn receive_lines(
    reader: DuplexStream,
) -> Result<Vec<String>, LinesCodecError> {
    let lines = FramedRead::new(reader, LinesCodec::new_with_max_length(1024));
    // `futures::StreamExt::collect` into a `Vec<Result<_, _>>`, and then
    // the usual `Iterator` collect into one `Result`.
    lines.collect::<Vec<_>>().await.into_iter().collect()
}
// ANCHOR_END: sink

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn lines_sent_on_one_side_arrive_on_the_other() {
        // A 16-byte pipe: smaller than the messages, so `send` really has
        // to wait for the reader to make room.
        let (client, server) = tokio::io::duplex(16);
        let messages: Vec<String> =
            ["hello", "a message longer than the pipe", "bye"]
                .map(String::from)
                .into();
        let sender = tokio::spawn(send_lines(client, messages.clone()));
        let received =
            tokio::time::timeout(Duration::from_secs(5), receive_lines(server))
                .await
                .expect("the reader finished")
                .unwrap();
        assert_eq!(received, messages);
        sender.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn send_all_forwards_a_whole_stream() {
        let (client, server) = tokio::io::duplex(64);
        let mut sink = FramedWrite::new(client, LinesCodec::new());
        let mut words =
            futures::stream::iter(["x", "y", "z"]).map(|w| Ok(w.to_string()));
        // `send_all` pulls from the stream and pushes into the sink, with
        // backpressure: it waits for the sink before it pulls the next item.
        sink.send_all(&mut words).await.unwrap();
        SinkExt::<String>::close(&mut sink).await.unwrap();
        let received =
            tokio::time::timeout(Duration::from_secs(5), receive_lines(server))
                .await
                .unwrap()
                .unwrap();
        assert_eq!(received, ["x", "y", "z"]);
    }
}
