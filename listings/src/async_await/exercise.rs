// Exercise: an awaitable download builder.
//
// `Download::new(&server, "/report").retries(2).await` asks the server for a
// path and retries after a failure, waiting 100 ms before each retry. Like
// every future it is lazy: building it, or configuring it, sends nothing.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// A simulated server that fails its first `failures` requests.
pub struct FlakyServer {
    failures: u32,
    requests: AtomicU32,
}

impl FlakyServer {
    pub fn failing_first(failures: u32) -> Self {
        FlakyServer {
            failures,
            requests: AtomicU32::new(0),
        }
    }

    /// One request. Each takes 10 ms; the first `failures` of them fail.
    pub async fn get(&self, path: &str) -> Result<String, String> {
        let number = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_millis(10)).await;
        if number <= self.failures {
            Err(format!("request {number} failed"))
        } else {
            Ok(format!("contents of {path}"))
        }
    }

    /// How many requests have been made.
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::SeqCst)
    }
}

/// How long to wait before each retry.
pub const RETRY_DELAY: Duration = Duration::from_millis(100);

// ANCHOR: attempt
// The starter's parameters and imports are unused until you write the code.
#[allow(unused_variables, unused_imports, dead_code)]
pub mod attempt {
    use super::{FlakyServer, RETRY_DELAY};
    use std::future::IntoFuture;
    use std::pin::Pin;

    pub struct Download<'a> {
        // Choose the fields you need.
        server: &'a FlakyServer,
    }

    impl<'a> Download<'a> {
        /// A download of `path` with no retries: one attempt.
        pub fn new(server: &'a FlakyServer, path: &str) -> Self {
            todo!()
        }

        /// Allows `retries` more attempts after a failure.
        pub fn retries(self, retries: u32) -> Self {
            todo!()
        }
    }

    impl<'a> IntoFuture for Download<'a> {
        /// The contents, or the last attempt's error.
        type Output = Result<String, String>;
        type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + 'a>>;

        fn into_future(self) -> Self::IntoFuture {
            todo!("try, then wait RETRY_DELAY and retry while attempts remain")
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use super::{FlakyServer, RETRY_DELAY};
    use std::future::IntoFuture;
    use std::pin::Pin;

    pub struct Download<'a> {
        server: &'a FlakyServer,
        path: String,
        retries: u32,
    }

    impl<'a> Download<'a> {
        pub fn new(server: &'a FlakyServer, path: &str) -> Self {
            Download {
                server,
                path: path.to_string(),
                retries: 0,
            }
        }

        pub fn retries(self, retries: u32) -> Self {
            Download { retries, ..self }
        }
    }

    impl<'a> IntoFuture for Download<'a> {
        type Output = Result<String, String>;
        type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + 'a>>;

        fn into_future(self) -> Self::IntoFuture {
            // Nothing above touched the server: the work starts here, when
            // the caller awaits.
            Box::pin(async move {
                let mut retries_left = self.retries;
                loop {
                    match self.server.get(&self.path).await {
                        Ok(contents) => return Ok(contents),
                        Err(error) if retries_left == 0 => return Err(error),
                        Err(_) => {
                            retries_left -= 1;
                            tokio::time::sleep(RETRY_DELAY).await;
                        }
                    }
                }
            })
        }
    }
}
// ANCHOR_END: solution

// When the chapter shows this file, rustdoc compiles it as a program. With a
// `main` of its own it is not wrapped in one, so `super::` above still reaches
// the items at the top of the file.
#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn succeeds_at_once_when_the_server_does() {
        let server = FlakyServer::failing_first(0);
        let start = Instant::now();
        let contents = Download::new(&server, "/report").await;
        assert_eq!(contents.as_deref(), Ok("contents of /report"));
        assert_eq!(server.requests(), 1);
        assert_eq!(start.elapsed(), Duration::from_millis(10));
    }

    #[tokio::test(start_paused = true)]
    async fn retries_after_each_failure_with_a_delay() {
        let server = FlakyServer::failing_first(2);
        let start = Instant::now();
        let contents = Download::new(&server, "/report").retries(2).await;
        assert_eq!(contents.as_deref(), Ok("contents of /report"));
        assert_eq!(server.requests(), 3);
        // Three requests of 10 ms and two delays of 100 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(230));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_with_the_last_error() {
        let server = FlakyServer::failing_first(5);
        let start = Instant::now();
        let result = Download::new(&server, "/report").retries(1).await;
        assert_eq!(result, Err("request 2 failed".to_string()));
        assert_eq!(server.requests(), 2);
        // Two requests of 10 ms and one delay of 100 ms: no delay after the
        // last failure, when there is nothing left to wait for.
        assert_eq!(start.elapsed(), Duration::from_millis(120));
    }

    #[tokio::test(start_paused = true)]
    async fn building_sends_nothing_until_awaited() {
        let server = FlakyServer::failing_first(0);
        let download = Download::new(&server, "/lazy").retries(3);
        assert_eq!(server.requests(), 0);
        let future = download.into_future();
        assert_eq!(
            server.requests(),
            0,
            "into_future must not start the work either"
        );
        assert!(future.await.is_ok());
        assert_eq!(server.requests(), 1);
    }
}
