// deadpool's managed pool over the line server: a `Manager` says how to
// open a connection and how to check one before it is handed out again.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use deadpool::Runtime;
use deadpool::managed::{self, Metrics, RecycleError, RecycleResult};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One connection to the line server, past its handshake.
#[derive(Debug)]
pub struct Conn {
    stream: BufReader<TcpStream>,
    id: usize,
    // Set while a reply is owed: see the pool by hand.
    mid_request: bool,
}

impl Conn {
    /// Connects and does the handshake.
    pub async fn connect(addr: SocketAddr) -> io::Result<Conn> {
        let mut conn = Conn {
            stream: BufReader::new(TcpStream::connect(addr).await?),
            id: 0,
            mid_request: false,
        };
        let welcome = conn.request("HELLO").await?;
        let id = welcome
            .strip_prefix("WELCOME ")
            .and_then(|id| id.parse().ok());
        conn.id = id.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad reply {welcome:?}"),
            )
        })?;
        Ok(conn)
    }

    /// Sends one line and reads one line back.
    pub async fn request(&mut self, line: &str) -> io::Result<String> {
        self.mid_request = true;
        self.stream
            .write_all(format!("{line}\n").as_bytes())
            .await?;
        let mut reply = String::new();
        if self.stream.read_line(&mut reply).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.mid_request = false;
        Ok(reply.trim_end().to_string())
    }

    /// The number the server gave this connection (1 for its first).
    pub fn id(&self) -> usize {
        self.id
    }
}

// ANCHOR: manager
/// Opens connections to one line server and checks them for reuse.
#[derive(Debug)]
pub struct LineManager {
    pub addr: SocketAddr,
}

// deadpool's `Manager` declares `fn create(&self) -> impl Future<..> + Send`,
// so plain `async fn`s implement it: no `#[async_trait]`.
impl managed::Manager for LineManager {
    type Type = Conn;
    type Error = io::Error;

    async fn create(&self) -> io::Result<Conn> {
        Conn::connect(self.addr).await
    }

    // Called on an idle connection before `get` hands it out again. An
    // `Err` makes the pool drop it and try the next one, or open a new one.
    async fn recycle(
        &self,
        conn: &mut Conn,
        _: &Metrics,
    ) -> RecycleResult<io::Error> {
        if conn.mid_request {
            // Its last request failed or was cancelled: a reply may be
            // on its way that the next user would read as its own.
            return Err(RecycleError::message("dropped in the middle of a request"));
        }
        // While it sat idle, the server may have closed it. One round trip
        // proves it alive (`?` turns an `io::Error` into a RecycleError).
        conn.request("PING 0").await?;
        Ok(())
    }
}

/// deadpool's pool, named for this manager.
pub type Pool = managed::Pool<LineManager>;
// ANCHOR_END: manager

// ANCHOR: build
/// At most two connections; every step of `get` has a time limit.
pub fn build_pool(addr: SocketAddr) -> Result<Pool, managed::BuildError> {
    Pool::builder(LineManager { addr })
        .max_size(2)
        // Waiting for one of the two to come back.
        .wait_timeout(Some(Duration::from_secs(1)))
        // Opening a new one: connect and handshake.
        .create_timeout(Some(Duration::from_secs(2)))
        // Checking an idle one: `recycle`.
        .recycle_timeout(Some(Duration::from_secs(2)))
        // The timeouts are tokio timers: deadpool must be told which runtime.
        .runtime(Runtime::Tokio1)
        .build()
}
// ANCHOR_END: build

/// A line server on loopback: `HELLO` gets `WELCOME <n>`, `PING <x>` gets
/// `PONG <x>`, `BYE` gets `BYE` and then the server hangs up, and `CLOSE`
/// hangs up at once. It counts the connections it accepts.
pub async fn start_server() -> io::Result<(SocketAddr, Arc<AtomicUsize>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let id = counter.fetch_add(1, Ordering::Relaxed) + 1;
            tokio::spawn(serve(stream, id));
        }
    });
    Ok((addr, accepted))
}

async fn serve(stream: TcpStream, id: usize) -> io::Result<()> {
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    while stream.read_line(&mut line).await? != 0 {
        let request = line.trim_end();
        let reply = if request == "HELLO" {
            format!("WELCOME {id}")
        } else if let Some(x) = request.strip_prefix("PING ") {
            format!("PONG {x}")
        } else if request == "BYE" {
            stream.write_all(b"BYE\n").await?;
            return Ok(());
        } else if request == "CLOSE" {
            return Ok(());
        } else {
            format!("ERROR unknown request {request:?}")
        };
        stream.write_all(format!("{reply}\n").as_bytes()).await?;
        line.clear();
    }
    Ok(())
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    demo().await.expect("the demo failed");
}

async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    let (addr, accepted) = start_server().await?;

    // Timeouts without a runtime to run them are refused when building.
    let no_runtime = Pool::builder(LineManager { addr })
        .wait_timeout(Some(Duration::from_secs(1)))
        .build();
    println!("without a runtime: {}", no_runtime.unwrap_err());

    let pool = build_pool(addr)?;
    let mut first = pool.get().await?;
    let second = pool.get().await?;
    println!("two in use: {:?}", pool.status());

    // Nothing below touches a socket until `resume`, so the paused clock
    // is safe: the third `get` waits for a permit and nothing else.
    tokio::time::pause();
    let start = tokio::time::Instant::now();
    match pool.get().await {
        Err(error @ managed::PoolError::Timeout(managed::TimeoutType::Wait)) => {
            // `{:.1?}`: tokio's timers tick in whole milliseconds and round
            // up, so the wait ends within a millisecond after the second.
            println!("a third get, after {:.1?}: {error}", start.elapsed())
        }
        Err(error) => return Err(error.into()),
        Ok(_) => return Err("a third connection was handed out".into()),
    }
    tokio::time::resume();

    // A connection returned in the middle of a request is not reused.
    assert!(first.request("CLOSE").await.is_err());
    drop(first);
    let third = pool.get().await?;
    println!("after a failed request: connection {}", third.id());
    drop((second, third));
    let again = pool.get().await?;
    println!("then, from the idle ones: connection {}", again.id());
    println!(
        "accepted by the server: {}",
        accepted.load(Ordering::Relaxed)
    );
    Ok(())
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use managed::{PoolError, TimeoutType};
    use tokio::time::Instant;

    #[tokio::test]
    async fn an_exhausted_pool_fails_after_the_wait_timeout() {
        let (addr, _) = start_server().await.unwrap();
        let pool = build_pool(addr).unwrap();
        let _held = (pool.get().await.unwrap(), pool.get().await.unwrap());
        // The connections are open; the rest waits on a paused clock.
        tokio::time::pause();
        let start = Instant::now();
        let error = pool.get().await.unwrap_err();
        assert!(
            matches!(error, PoolError::Timeout(TimeoutType::Wait)),
            "{error:?}"
        );
        // Timers round up to the next millisecond of the clock.
        let waited = start.elapsed();
        assert!(waited >= Duration::from_secs(1), "{waited:?}");
        assert!(waited <= Duration::from_millis(1001), "{waited:?}");
    }

    #[tokio::test]
    async fn a_returned_connection_is_reused() {
        let (addr, accepted) = start_server().await.unwrap();
        let pool = build_pool(addr).unwrap();
        for x in 0..5 {
            let mut conn = pool.get().await.unwrap();
            assert_eq!(
                conn.request(&format!("PING {x}")).await.unwrap(),
                format!("PONG {x}")
            );
            assert_eq!(conn.id(), 1);
        }
        assert_eq!(accepted.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn a_connection_dropped_mid_request_is_replaced() {
        let (addr, accepted) = start_server().await.unwrap();
        let pool = build_pool(addr).unwrap();
        let mut conn = pool.get().await.unwrap();
        assert!(conn.request("CLOSE").await.is_err());
        drop(conn);
        assert_eq!(pool.get().await.unwrap().id(), 2);
        assert_eq!(accepted.load(Ordering::Relaxed), 2);
    }

    #[tokio::test]
    async fn a_connection_cancelled_mid_request_is_replaced() {
        let (addr, _) = start_server().await.unwrap();
        let pool = build_pool(addr).unwrap();
        let mut conn = pool.get().await.unwrap();
        {
            // One poll writes the request; the reply is not read yet when
            // the future is dropped.
            let request = conn.request("PING 1");
            tokio::pin!(request);
            assert!(futures::poll!(&mut request).is_pending());
        }
        drop(conn);
        let mut conn = pool.get().await.unwrap();
        assert_eq!(conn.id(), 2);
        assert_eq!(conn.request("PING 2").await.unwrap(), "PONG 2");
    }

    #[tokio::test]
    async fn a_connection_the_server_closed_while_idle_is_replaced() {
        let (addr, _) = start_server().await.unwrap();
        let pool = build_pool(addr).unwrap();
        let mut conn = pool.get().await.unwrap();
        // The request succeeds, then the server hangs up.
        assert_eq!(conn.request("BYE").await.unwrap(), "BYE");
        drop(conn);
        // The check in `recycle` finds it dead.
        assert_eq!(pool.get().await.unwrap().id(), 2);
    }

    #[tokio::test]
    async fn timeouts_need_a_runtime() {
        let (addr, _) = start_server().await.unwrap();
        let built = Pool::builder(LineManager { addr })
            .create_timeout(Some(Duration::from_secs(1)))
            .build();
        assert!(matches!(
            built,
            Err(managed::BuildError::NoRuntimeSpecified)
        ));
    }
}
