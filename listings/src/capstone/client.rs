// A small client for the job server: one connection, one request at a time.

use std::io;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::net::{TcpStream, ToSocketAddrs};
use tokio::time::sleep;
use tokio_util::codec::{Framed, LinesCodec};

use super::protocol::{JobSpec, JobStatus, Reply, Request, State};

// ANCHOR: client
pub struct Client {
    lines: Framed<TcpStream, LinesCodec>,
}

impl Client {
    pub async fn connect(address: impl ToSocketAddrs) -> io::Result<Client> {
        let stream = TcpStream::connect(address).await?;
        // Replies are short; the limit only guards against a broken server.
        let codec = LinesCodec::new_with_max_length(1 << 20);
        Ok(Client {
            lines: Framed::new(stream, codec),
        })
    }

    /// Sends one line as it is, even if it is not a valid request.
    pub async fn send_line(&mut self, line: &str) -> io::Result<Reply> {
        self.lines.send(line).await.map_err(io::Error::other)?;
        self.next_reply().await
    }

    /// The next line from the server.
    pub async fn next_reply(&mut self) -> io::Result<Reply> {
        let Some(reply) = self.lines.next().await else {
            return Err(io::ErrorKind::UnexpectedEof.into());
        };
        let reply = reply.map_err(io::Error::other)?;
        serde_json::from_str(&reply).map_err(io::Error::other)
    }

    pub async fn call(&mut self, request: &Request) -> io::Result<Reply> {
        let line = serde_json::to_string(request).map_err(io::Error::other)?;
        self.send_line(&line).await
    }

    /// Submits a job and returns its id, or the server's error reply.
    pub async fn submit(&mut self, spec: JobSpec) -> io::Result<Result<u64, Reply>> {
        let spec = serde_json::to_value(spec).map_err(io::Error::other)?;
        let request = Request::Submit {
            kind: spec["kind"].as_str().unwrap_or_default().to_string(),
            payload: spec["payload"].clone(),
        };
        Ok(match self.call(&request).await? {
            Reply::Submitted { id } => Ok(id),
            other => Err(other),
        })
    }

    /// Asks for a job's status every `every` until it has ended.
    pub async fn wait(&mut self, id: u64, every: Duration) -> io::Result<JobStatus> {
        loop {
            match self.call(&Request::Status { id }).await? {
                Reply::Status(status)
                    if !matches!(status.state, State::Queued | State::Running) =>
                {
                    return Ok(status);
                }
                Reply::Status(_) => sleep(every).await,
                other => return Err(io::Error::other(format!("{other:?}"))),
            }
        }
    }
}
// ANCHOR_END: client
