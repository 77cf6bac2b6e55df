// Exercise: a client that takes "not now" for an answer.

// ANCHOR: attempt
pub mod attempt {
    use std::io;
    use std::net::SocketAddr;

    use super::super::protocol::{JobSpec, Reply};

    /// Submits `spec` to the server at `address`, patiently. Each try opens
    /// a new connection. A `busy` or `rate_limited` reply means "not now":
    /// wait and try again, 100 ms before the second try, 200 ms before the
    /// third, doubling each time. After `tries` tries, return the last such
    /// reply. Any other reply is returned at once, and so is an I/O error
    /// (a server that is not there will not be there in 100 ms either).
    pub async fn submit_patiently(
        address: SocketAddr,
        spec: JobSpec,
        tries: u32,
    ) -> io::Result<Result<u64, Reply>> {
        todo!("submit {spec:?} to {address} in at most {tries} tries")
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::io;
    use std::net::SocketAddr;
    use std::time::Duration;

    use tokio::time::sleep;

    use super::super::client::Client;
    use super::super::protocol::{ErrorCode, JobSpec, Reply};

    pub async fn submit_patiently(
        address: SocketAddr,
        spec: JobSpec,
        tries: u32,
    ) -> io::Result<Result<u64, Reply>> {
        let mut wait = Duration::from_millis(100);
        let mut try_number = 1;
        loop {
            let mut client = Client::connect(address).await?;
            let outcome = client.submit(spec).await?;
            let not_now = matches!(
                &outcome,
                Err(Reply::Error {
                    code: ErrorCode::Busy | ErrorCode::RateLimited,
                    ..
                })
            );
            if !not_now || try_number == tries {
                return Ok(outcome);
            }
            // Hang up before waiting: a connection held while we wait is
            // one the server cannot give to someone else.
            drop(client);
            sleep(wait).await;
            wait *= 2;
            try_number += 1;
        }
    }
}
// ANCHOR_END: solution

// Rustdoc wraps a file without `main` in one; this keeps `super::` pointing
// at the chapter's module.
#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use std::net::SocketAddr;
    use std::time::Duration;

    use tokio::net::TcpListener;
    use tokio::time::{Instant, sleep};

    use super::super::client::Client;
    use super::super::protocol::{ErrorCode, JobSpec, Reply, Request};
    use super::super::server::{Limits, serve};

    const SPEC: JobSpec = JobSpec::Sleep { ms: 10 };

    /// A server for one connection at a time, and a client that holds it.
    async fn full_server(dir: &tempfile::TempDir) -> (SocketAddr, Client) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let database = dir.path().join("jobs.db");
        let limits = Limits {
            max_connections: 1,
            ..Limits::default()
        };
        tokio::spawn(async move {
            serve(listener, &database, limits, std::future::pending()).await
        });
        let mut holder = Client::connect(address).await.unwrap();
        // Answered, so the holder has the one connection permit.
        holder.call(&Request::List).await.unwrap();
        (address, holder)
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_server_is_tried_again_after_doubling_waits() {
        let dir = tempfile::tempdir().unwrap();
        let (address, holder) = full_server(&dir).await;
        tokio::spawn(async move {
            sleep(Duration::from_millis(250)).await;
            drop(holder);
        });
        let start = Instant::now();
        let outcome = submit_patiently(address, SPEC, 5).await.unwrap();
        assert_eq!(outcome, Ok(1));
        // Busy at 0 ms and at 100 ms; taken at 300 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn after_the_last_try_the_busy_reply_is_returned() {
        let dir = tempfile::tempdir().unwrap();
        let (address, _holder) = full_server(&dir).await;
        let start = Instant::now();
        let outcome = submit_patiently(address, SPEC, 3).await.unwrap();
        match outcome {
            Err(Reply::Error { code, .. }) => assert_eq!(code, ErrorCode::Busy),
            other => panic!("{other:?}"),
        }
        // Waits of 100 and 200 ms, and none after the last try.
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn an_io_error_is_returned_at_once() {
        // A port nobody listens on any more.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        let start = Instant::now();
        let error = submit_patiently(address, SPEC, 5).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionRefused);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_free_server_takes_the_job_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let (address, holder) = full_server(&dir).await;
        drop(holder);
        // Let the server notice that the holder left.
        sleep(Duration::from_millis(1)).await;
        let start = Instant::now();
        let outcome = submit_patiently(address, SPEC, 1).await.unwrap();
        assert_eq!(outcome, Ok(1));
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
