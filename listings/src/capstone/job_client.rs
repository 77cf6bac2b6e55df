// The job server's command-line client: reads requests from its standard
// input, one per line, sends each to the server at the address in
// `JOB_SERVER`, and prints every reply. After a `watch` it prints each change
// until the job has ended. Run the server first, then, with the address it
// printed:
//
//     JOB_SERVER=127.0.0.1:PORT cargo run -p listings -- job_client

use std::io;

use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};

use super::client::Client;
use super::protocol::{Reply, Request};

// ANCHOR: talk
/// Sends each line of `input` to the server at `address`, as it is, and
/// writes each reply to `output`, one JSON object per line.
pub async fn talk(
    address: &str,
    input: impl AsyncBufRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
) -> io::Result<()> {
    let mut client = Client::connect(address).await?;
    let mut lines = input.lines();
    while let Some(line) = lines.next_line().await? {
        if line.trim().is_empty() {
            continue;
        }
        let watching =
            matches!(serde_json::from_str(&line), Ok(Request::Watch { .. }));
        let mut reply = client.send_line(&line).await?;
        loop {
            let mut text = serde_json::to_string(&reply).map_err(io::Error::other)?;
            text.push('\n');
            output.write_all(text.as_bytes()).await?;
            match reply {
                Reply::Status(status) if watching && !status.has_ended() => {
                    reply = client.next_reply().await?;
                }
                _ => break,
            }
        }
    }
    output.flush().await
}
// ANCHOR_END: talk

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let Ok(address) = std::env::var("JOB_SERVER") else {
        eprintln!("job_client: set JOB_SERVER to the address the server printed");
        return;
    };
    let input = BufReader::new(tokio::io::stdin());
    if let Err(error) = talk(&address, input, tokio::io::stdout()).await {
        eprintln!("job_client: {error}");
    }
}
