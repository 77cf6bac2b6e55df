// Some things cannot be built without waiting: a client that must connect
// first, a pool that opens its first connections. Their builder collects the
// options with plain methods and does the waiting, and the failing, in an
// `async fn build`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::sleep;
use tower::limit::ConcurrencyLimit;
use tower::timeout::Timeout;
use tower::{BoxError, Service, ServiceBuilder, ServiceExt};

/// A stand-in for a remote price server, in one of three moods.
#[derive(Clone, Copy, Debug)]
pub enum Server {
    /// Accepts the handshake after 20 ms.
    Up,
    /// Refuses the handshake after 5 ms.
    Refusing,
    /// Never answers the handshake.
    Silent,
}

/// An open connection to the server: a tower service of price lookups.
#[derive(Clone, Debug)]
pub struct Connection;

impl Server {
    async fn handshake(self) -> Result<Connection, std::io::Error> {
        match self {
            Server::Up => {
                sleep(Duration::from_millis(20)).await;
                Ok(Connection)
            }
            Server::Refusing => {
                sleep(Duration::from_millis(5)).await;
                Err(std::io::ErrorKind::ConnectionRefused.into())
            }
            Server::Silent => std::future::pending().await,
        }
    }
}

impl Service<&'static str> for Connection {
    type Response = u32;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<u32, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, item: &'static str) -> Self::Future {
        Box::pin(async move {
            sleep(Duration::from_millis(50)).await;
            Ok(item.len() as u32 * 10)
        })
    }
}

// ANCHOR: builder
/// What a finished build gives: a connection behind a limit and a timeout.
/// The stack's type is spelled out, outermost layer first.
#[derive(Clone, Debug)]
pub struct Client {
    service: ConcurrencyLimit<Timeout<Connection>>,
}

impl Client {
    pub async fn price(&self, item: &'static str) -> Result<u32, BoxError> {
        // A clone per request: clones share the limit's semaphore.
        self.service.clone().oneshot(item).await
    }
}

/// Why there is no client.
#[derive(Debug)]
pub enum BuildError {
    /// A limit of zero requests in flight: every request would wait forever.
    ZeroLimit,
    /// The server did not answer the handshake in time.
    ConnectTimedOut(Duration),
    /// The server answered with an error.
    Connect(std::io::Error),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::ZeroLimit => write!(f, "max_in_flight must be at least 1"),
            BuildError::ConnectTimedOut(limit) => {
                write!(f, "no handshake within {} ms", limit.as_millis())
            }
            BuildError::Connect(error) => write!(f, "could not connect: {error}"),
        }
    }
}

impl std::error::Error for BuildError {}

pub struct ClientBuilder {
    server: Server,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_in_flight: usize,
}

impl ClientBuilder {
    pub fn new(server: Server) -> Self {
        ClientBuilder {
            server,
            connect_timeout: Duration::from_millis(500),
            request_timeout: Duration::from_secs(1),
            max_in_flight: 8,
        }
    }

    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.connect_timeout = limit;
        self
    }

    pub fn request_timeout(mut self, limit: Duration) -> Self {
        self.request_timeout = limit;
        self
    }

    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = requests;
        self
    }

    /// Checks the options, connects, and wraps the connection in its layers.
    pub async fn build(self) -> Result<Client, BuildError> {
        // Check what needs no waiting first, so a bad option fails at once.
        if self.max_in_flight == 0 {
            return Err(BuildError::ZeroLimit);
        }
        let connection =
            tokio::time::timeout(self.connect_timeout, self.server.handshake())
                .await
                .map_err(|_| BuildError::ConnectTimedOut(self.connect_timeout))?
                .map_err(BuildError::Connect)?;
        let service = ServiceBuilder::new()
            .concurrency_limit(self.max_in_flight)
            .timeout(self.request_timeout)
            .service(connection);
        Ok(Client { service })
    }
}
// ANCHOR_END: builder

// ANCHOR: into_future
/// Awaiting the builder builds it, so the final `.build()` can go.
impl IntoFuture for ClientBuilder {
    type Output = Result<Client, BuildError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.build())
    }
}
// ANCHOR_END: into_future

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let start = tokio::time::Instant::now();
    let client = ClientBuilder::new(Server::Up)
        .max_in_flight(4)
        .request_timeout(Duration::from_millis(200))
        .build()
        .await
        .unwrap();
    println!("connected at {} ms", start.elapsed().as_millis());
    let price = client.price("bread").await.unwrap();
    println!("bread costs {price} at {} ms", start.elapsed().as_millis());

    // The same builder, awaited directly through `IntoFuture`.
    let builds = [
        ClientBuilder::new(Server::Refusing).await,
        ClientBuilder::new(Server::Silent).await,
        ClientBuilder::new(Server::Up).max_in_flight(0).await,
    ];
    for build in builds {
        println!("{}", build.unwrap_err());
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn a_build_connects_and_the_client_answers() {
        let start = Instant::now();
        let client = ClientBuilder::new(Server::Up).build().await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_millis(20));
        assert_eq!(client.price("bread").await.unwrap(), 50);
        assert_eq!(start.elapsed(), Duration::from_millis(70));
    }

    #[tokio::test(start_paused = true)]
    async fn awaiting_the_builder_builds_it() {
        let client = ClientBuilder::new(Server::Up).await.unwrap();
        assert_eq!(client.price("jam").await.unwrap(), 30);
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_server_fails_the_build_at_the_connect_timeout() {
        let start = Instant::now();
        let result = ClientBuilder::new(Server::Silent)
            .connect_timeout(Duration::from_millis(300))
            .await;
        assert!(matches!(result, Err(BuildError::ConnectTimedOut(_))));
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_handshake_is_reported_with_its_cause() {
        let Err(BuildError::Connect(error)) =
            ClientBuilder::new(Server::Refusing).await
        else {
            panic!("expected a connect error");
        };
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionRefused);
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_limit_fails_without_connecting() {
        let start = Instant::now();
        let result = ClientBuilder::new(Server::Silent).max_in_flight(0).await;
        assert!(matches!(result, Err(BuildError::ZeroLimit)));
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "no handshake was attempted"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_limit_would_have_made_every_request_wait_forever() {
        // Why the builder refuses 0: the layer itself accepts it.
        let mut never_ready = ServiceBuilder::new()
            .concurrency_limit(0)
            .service(Connection);
        let wait =
            tokio::time::timeout(Duration::from_secs(3600), never_ready.ready())
                .await;
        assert!(wait.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn the_client_applies_its_request_timeout() {
        let client = ClientBuilder::new(Server::Up)
            .request_timeout(Duration::from_millis(30))
            .await
            .unwrap();
        let error = client.price("bread").await.unwrap_err();
        assert!(error.is::<tower::timeout::error::Elapsed>());
    }
}
