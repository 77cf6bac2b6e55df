// A connection pool written by hand: a semaphore for the limit, a stack of
// idle connections, and a guard that puts its connection back when dropped,
// unless the connection can no longer be trusted.

use std::io;
use std::net::SocketAddr;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

// ANCHOR: conn
/// One connection to the line server, past its handshake.
pub struct Conn {
    stream: BufReader<TcpStream>,
    id: usize,
    // Set while a request is out and its reply not yet read. If the future
    // of `request` is dropped in between, it stays set: the reply is still
    // on its way, and whoever sends the next request would read it.
    mid_request: bool,
}

impl Conn {
    /// Connects and does the handshake: one round trip before any request.
    pub async fn connect(addr: SocketAddr) -> io::Result<Conn> {
        let mut conn = Conn {
            stream: BufReader::new(TcpStream::connect(addr).await?),
            id: 0,
            mid_request: false,
        };
        let welcome = conn.request("HELLO").await?;
        conn.id = match welcome.strip_prefix("WELCOME ") {
            Some(id) => id.parse().map_err(|_| bad_reply(&welcome))?,
            None => return Err(bad_reply(&welcome)),
        };
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
            // The server hung up. `mid_request` stays set: never reuse this.
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.mid_request = false;
        Ok(reply.trim_end().to_string())
    }

    /// The number the server gave this connection (1 for its first).
    pub fn id(&self) -> usize {
        self.id
    }

    /// Whether the last request finished cleanly, so the next can be sent.
    pub fn is_reusable(&self) -> bool {
        !self.mid_request
    }
}
// ANCHOR_END: conn

fn bad_reply(reply: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("bad reply {reply:?}"))
}

// ANCHOR: pool
/// At most `max_size` connections, reused: cheap to clone and share.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    addr: SocketAddr,
    // One permit per connection that may exist: held by each guard.
    permits: Arc<Semaphore>,
    // Connections nobody is using. A std Mutex: it is held for a push or
    // a pop, never across an `.await`.
    idle: Mutex<Vec<Conn>>,
    opened: AtomicUsize,
}

impl Pool {
    pub fn new(addr: SocketAddr, max_size: usize) -> Pool {
        Pool {
            inner: Arc::new(Inner {
                addr,
                permits: Arc::new(Semaphore::new(max_size)),
                idle: Mutex::new(Vec::new()),
                opened: AtomicUsize::new(0),
            }),
        }
    }

    /// Waits for a free place, then hands out an idle connection, or opens
    /// one if none is idle.
    pub async fn get(&self) -> io::Result<Pooled> {
        // The pool never closes its semaphore, so `acquire` cannot fail.
        let permit = Arc::clone(&self.inner.permits)
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        let idle = self.inner.idle.lock().unwrap().pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                // If this fails, `permit` is dropped and the place is free.
                let conn = Conn::connect(self.inner.addr).await?;
                self.inner.opened.fetch_add(1, Ordering::Relaxed);
                conn
            }
        };
        Ok(Pooled {
            conn: Some(conn),
            pool: Arc::clone(&self.inner),
            _permit: permit,
        })
    }

    /// How many connections the pool has opened since it was created.
    pub fn opened(&self) -> usize {
        self.inner.opened.load(Ordering::Relaxed)
    }

    /// How many connections wait in the pool, unused.
    pub fn idle(&self) -> usize {
        self.inner.idle.lock().unwrap().len()
    }
}

/// A connection on loan from the pool. Use it as a `Conn`; drop it to give
/// it back.
pub struct Pooled {
    // An `Option` only so that `drop` can move the connection out.
    conn: Option<Conn>,
    pool: Arc<Inner>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let conn = self.conn.take().expect("taken only here");
        // A connection that failed, or whose request was cancelled halfway,
        // is dropped, which closes it. Only a clean one goes back.
        if conn.is_reusable() {
            self.pool.idle.lock().unwrap().push(conn);
        }
        // The fields drop after this body: the permit is released only
        // now, when the connection is already back for the next `get`.
    }
}

impl Deref for Pooled {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn.as_ref().expect("present until drop")
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn.as_mut().expect("present until drop")
    }
}
// ANCHOR_END: pool

// ANCHOR: server
/// What the line server has seen, for the program to print.
#[derive(Default)]
pub struct ServerStats {
    pub accepted: AtomicUsize,
    // How many `SLOW` requests have arrived (the tests wait for one).
    pub slow_requests: AtomicUsize,
}

/// A line server on loopback: `HELLO` gets `WELCOME <n>` (the connection's
/// number), `PING <x>` gets `PONG <x>`, `SLOW <x>` gets `PONG <x>` once
/// `release` has a permit, and `CLOSE` hangs up.
pub async fn start_server(
    release: Arc<Semaphore>,
) -> io::Result<(SocketAddr, Arc<ServerStats>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let stats = Arc::new(ServerStats::default());
    let server_stats = Arc::clone(&stats);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let id = server_stats.accepted.fetch_add(1, Ordering::Relaxed) + 1;
            let stats = Arc::clone(&server_stats);
            let release = Arc::clone(&release);
            tokio::spawn(serve(stream, id, stats, release));
        }
    });
    Ok((addr, stats))
}

async fn serve(
    stream: TcpStream,
    id: usize,
    stats: Arc<ServerStats>,
    release: Arc<Semaphore>,
) -> io::Result<()> {
    let mut lines = BufReader::new(stream);
    let mut line = String::new();
    while lines.read_line(&mut line).await? != 0 {
        let request = line.trim_end();
        let reply = if request == "HELLO" {
            format!("WELCOME {id}")
        } else if request == "CLOSE" {
            return Ok(());
        } else if let Some(x) = request.strip_prefix("PING ") {
            format!("PONG {x}")
        } else if let Some(x) = request.strip_prefix("SLOW ") {
            stats.slow_requests.fetch_add(1, Ordering::Relaxed);
            release.acquire().await.expect("never closed").forget();
            format!("PONG {x}")
        } else {
            format!("ERROR unknown request {request:?}")
        };
        lines.write_all(format!("{reply}\n").as_bytes()).await?;
        line.clear();
    }
    Ok(())
}
// ANCHOR_END: server

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    demo().await.expect("the demo failed");
}

async fn demo() -> io::Result<()> {
    let (addr, server) = start_server(Arc::new(Semaphore::new(0))).await?;
    let pool = Pool::new(addr, 2);

    // One after another: each request borrows the connection the last one
    // gave back.
    for x in 1..=3 {
        let mut conn = pool.get().await?;
        let reply = conn.request(&format!("PING {x}")).await?;
        println!("request {x}: {reply} on connection {}", conn.id());
    }

    // Six at once: two run, four wait for a place.
    let mut tasks = tokio::task::JoinSet::new();
    for x in 4..=9 {
        let pool = pool.clone();
        tasks.spawn(async move {
            let mut conn = pool.get().await?;
            conn.request(&format!("PING {x}")).await?;
            io::Result::Ok(conn.id())
        });
    }
    let mut used = Vec::new();
    while let Some(id) = tasks.join_next().await {
        used.push(id.expect("the task panicked")?);
    }
    used.sort();
    used.dedup();
    println!("six requests at once ran on connections {used:?}");

    // A connection the server closed fails its request and is not put back.
    let mut conn = pool.get().await?;
    let error = conn.request("CLOSE").await.unwrap_err();
    drop(conn);
    println!("a request on a closed connection failed: {error}");
    println!("idle connections after it: {}", pool.idle());

    // So two at once need a new connection.
    let (_idle_one, new_one) = (pool.get().await?, pool.get().await?);
    println!("two at once: the second opened connection {}", new_one.id());
    println!(
        "opened by the pool {}, accepted by the server {}",
        pool.opened(),
        server.accepted.load(Ordering::Relaxed)
    );
    Ok(())
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::timeout;

    // These tests use real sockets, so they run on the real clock: the
    // limits below are generous and only stop a broken test from hanging.
    const LIMIT: Duration = Duration::from_secs(10);

    async fn server() -> (SocketAddr, Arc<ServerStats>, Arc<Semaphore>) {
        let release = Arc::new(Semaphore::new(0));
        let (addr, stats) = start_server(Arc::clone(&release)).await.unwrap();
        (addr, stats, release)
    }

    #[tokio::test]
    async fn sequential_requests_reuse_one_connection() {
        let (addr, stats, _) = server().await;
        let pool = Pool::new(addr, 2);
        for x in 0..5 {
            let mut conn = pool.get().await.unwrap();
            assert_eq!(
                conn.request(&format!("PING {x}")).await.unwrap(),
                format!("PONG {x}")
            );
            assert_eq!(conn.id(), 1);
        }
        assert_eq!(pool.opened(), 1);
        assert_eq!(stats.accepted.load(Ordering::Relaxed), 1);
        assert_eq!(pool.idle(), 1);
    }

    #[tokio::test]
    async fn never_more_connections_than_max_size() {
        let (addr, stats, _) = server().await;
        let pool = Pool::new(addr, 3);
        let mut tasks = tokio::task::JoinSet::new();
        for x in 0..20 {
            let pool = pool.clone();
            tasks.spawn(async move {
                let mut conn = pool.get().await.unwrap();
                // Hold the connection across a yield, so that tasks overlap.
                tokio::task::yield_now().await;
                conn.request(&format!("PING {x}")).await.unwrap()
            });
        }
        let replies = timeout(LIMIT, tasks.join_all()).await.unwrap();
        assert_eq!(replies.len(), 20);
        assert_eq!(pool.opened(), 3);
        assert_eq!(stats.accepted.load(Ordering::Relaxed), 3);
    }

    #[tokio::test]
    async fn a_get_waits_for_a_place_and_then_reuses() {
        let (addr, _, _) = server().await;
        let pool = Pool::new(addr, 1);
        let first = pool.get().await.unwrap();
        let waiting = tokio::spawn({
            let pool = pool.clone();
            async move { pool.get().await.unwrap().id() }
        });
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert!(!waiting.is_finished(), "a second connection was handed out");
        drop(first);
        assert_eq!(timeout(LIMIT, waiting).await.unwrap().unwrap(), 1);
        assert_eq!(pool.opened(), 1);
    }

    #[tokio::test]
    async fn a_broken_connection_is_discarded() {
        let (addr, _, _) = server().await;
        let pool = Pool::new(addr, 1);
        let mut conn = pool.get().await.unwrap();
        assert!(conn.request("CLOSE").await.is_err());
        drop(conn);
        assert_eq!(pool.idle(), 0);
        let conn = pool.get().await.unwrap();
        assert_eq!(conn.id(), 2);
    }

    // Cancels a task while its request waits for the reply, and returns
    // the pool and the server's release valve.
    async fn cancel_mid_request(max_size: usize) -> (Pool, Arc<Semaphore>) {
        let (addr, stats, release) = server().await;
        let pool = Pool::new(addr, max_size);
        let task = tokio::spawn({
            let pool = pool.clone();
            async move {
                let mut conn = pool.get().await.unwrap();
                conn.request("SLOW 1").await.unwrap()
            }
        });
        // Wait until the server holds the request, then cancel the task.
        timeout(LIMIT, async {
            while stats.slow_requests.load(Ordering::Relaxed) == 0 {
                tokio::task::yield_now().await;
            }
        })
        .await
        .unwrap();
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        (pool, release)
    }

    #[tokio::test]
    async fn a_guard_dropped_by_cancellation_does_not_return_its_connection() {
        let (pool, release) = cancel_mid_request(1).await;
        // The place is free again, but the connection is gone.
        assert_eq!(pool.idle(), 0);
        release.add_permits(1);
        let mut conn = timeout(LIMIT, pool.get()).await.unwrap().unwrap();
        assert_eq!(conn.id(), 2);
        assert_eq!(conn.request("PING 2").await.unwrap(), "PONG 2");
    }

    // ANCHOR: stale_reply
    // The trap the check avoids: reuse a connection whose request was
    // cancelled, and the next request reads the previous one's reply.
    #[tokio::test]
    async fn reusing_a_cancelled_connection_reads_the_old_reply() {
        let (addr, stats, release) = server().await;
        let mut conn = Conn::connect(addr).await.unwrap();
        {
            let request = conn.request("SLOW 1");
            tokio::pin!(request);
            // Poll it until the server has the request, then drop it.
            timeout(LIMIT, async {
                while stats.slow_requests.load(Ordering::Relaxed) == 0 {
                    assert!(futures::poll!(&mut request).is_pending());
                    tokio::task::yield_now().await;
                }
            })
            .await
            .unwrap();
        }
        assert!(!conn.is_reusable());
        release.add_permits(1);
        let reply = timeout(LIMIT, conn.request("PING 2"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            reply, "PONG 1",
            "the reply belongs to the cancelled request"
        );
    }
    // ANCHOR_END: stale_reply
}
