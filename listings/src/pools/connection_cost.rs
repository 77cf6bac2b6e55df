// What a new connection costs compared with a reused one, against a real
// loopback server that charges for its handshake.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

// ANCHOR: server
/// The time the server spends on each handshake. A database server spends
/// it on TLS and on checking a password; here it simply waits.
pub const HANDSHAKE_COST: Duration = Duration::from_millis(5);

/// What the server counted.
#[derive(Default)]
pub struct Counts {
    pub connections: AtomicUsize,
    pub handshakes: AtomicUsize,
    pub requests: AtomicUsize,
}

/// A server on loopback: `HELLO` gets `WELCOME` after `HANDSHAKE_COST`,
/// and every other line is echoed back.
pub async fn start_server() -> io::Result<(SocketAddr, Arc<Counts>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let counts = Arc::new(Counts::default());
    let server_counts = Arc::clone(&counts);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            server_counts.connections.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(serve(stream, Arc::clone(&server_counts)));
        }
    });
    Ok((addr, counts))
}

async fn serve(stream: TcpStream, counts: Arc<Counts>) -> io::Result<()> {
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    while stream.read_line(&mut line).await? != 0 {
        if line.trim_end() == "HELLO" {
            counts.handshakes.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(HANDSHAKE_COST).await;
            stream.write_all(b"WELCOME\n").await?;
        } else {
            counts.requests.fetch_add(1, Ordering::Relaxed);
            stream.write_all(line.as_bytes()).await?;
        }
        line.clear();
    }
    Ok(())
}
// ANCHOR_END: server

// ANCHOR: client
/// Opens a connection: TCP's own handshake (one round trip, in the kernel),
/// then the server's (one more, and `HANDSHAKE_COST`).
pub async fn connect(addr: SocketAddr) -> io::Result<BufReader<TcpStream>> {
    let mut stream = BufReader::new(TcpStream::connect(addr).await?);
    if ask(&mut stream, "HELLO").await? != "WELCOME" {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "no welcome"));
    }
    Ok(stream)
}

/// One request, one reply: one round trip.
pub async fn ask(
    stream: &mut BufReader<TcpStream>,
    line: &str,
) -> io::Result<String> {
    stream.write_all(format!("{line}\n").as_bytes()).await?;
    let mut reply = String::new();
    stream.read_line(&mut reply).await?;
    Ok(reply.trim_end().to_string())
}

/// `n` requests, each on a connection of its own.
pub async fn fresh_each_time(addr: SocketAddr, n: usize) -> io::Result<Duration> {
    let start = Instant::now();
    for i in 0..n {
        let mut stream = connect(addr).await?;
        ask(&mut stream, &format!("request {i}")).await?;
    }
    Ok(start.elapsed())
}

/// `n` requests on one connection, opened once.
pub async fn one_reused(addr: SocketAddr, n: usize) -> io::Result<Duration> {
    let start = Instant::now();
    let mut stream = connect(addr).await?;
    for i in 0..n {
        ask(&mut stream, &format!("request {i}")).await?;
    }
    Ok(start.elapsed())
}
// ANCHOR_END: client

// ANCHOR: main
// The real clock: this program measures real time.
#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    const N: usize = 20;
    for (way, reused) in [("a new connection each", false), ("one reused", true)] {
        let (addr, counts) = start_server().await.expect("no server");
        let took = if reused {
            one_reused(addr, N).await
        } else {
            fresh_each_time(addr, N).await
        }
        .expect("a request failed");
        let connections = counts.connections.load(Ordering::Relaxed);
        let handshakes = counts.handshakes.load(Ordering::Relaxed);
        let requests = counts.requests.load(Ordering::Relaxed);
        // A TCP connect, a server handshake and a request: one round trip
        // each.
        let round_trips = connections + handshakes + requests;
        println!("{N} requests, {way}:");
        println!("  connections: {connections}, round trips: {round_trips}");
        println!(
            "  handshake time: at least {:?}",
            HANDSHAKE_COST * handshakes as u32
        );
        // Real time varies from run to run, so it goes to standard error,
        // which the book does not show.
        eprintln!("  took {took:?}");
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    // Real sockets and the real clock: only counts and lower bounds that
    // hold on any machine, however loaded, are asserted.
    #[tokio::test]
    async fn a_fresh_connection_per_request_pays_every_handshake() {
        let (addr, counts) = start_server().await.unwrap();
        let took = fresh_each_time(addr, 10).await.unwrap();
        assert_eq!(counts.connections.load(Ordering::Relaxed), 10);
        assert_eq!(counts.handshakes.load(Ordering::Relaxed), 10);
        assert_eq!(counts.requests.load(Ordering::Relaxed), 10);
        assert!(took >= HANDSHAKE_COST * 10, "took {took:?}");
    }

    #[tokio::test]
    async fn a_reused_connection_pays_one_handshake() {
        let (addr, counts) = start_server().await.unwrap();
        let took = one_reused(addr, 10).await.unwrap();
        assert_eq!(counts.connections.load(Ordering::Relaxed), 1);
        assert_eq!(counts.handshakes.load(Ordering::Relaxed), 1);
        assert_eq!(counts.requests.load(Ordering::Relaxed), 10);
        assert!(took >= HANDSHAKE_COST, "took {took:?}");
    }

    #[tokio::test]
    async fn the_server_echoes() {
        let (addr, _) = start_server().await.unwrap();
        let mut stream = connect(addr).await.unwrap();
        assert_eq!(ask(&mut stream, "hi").await.unwrap(), "hi");
    }
}
