// A TCP echo server and its client, on the loopback interface.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{self, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

// ANCHOR: server
/// Echoes each connection's bytes back until the client shuts down its
/// side, one task per connection. Serves until the runtime shuts down.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (mut socket, _client_address) = listener.accept().await?;
        tokio::spawn(async move {
            // `copy` needs a reader and a writer at once, both parts of one
            // socket: `split` lends out the two halves, for this task only.
            let (mut reader, mut writer) = socket.split();
            // Reads until the client's end of stream, writing each chunk back.
            io::copy(&mut reader, &mut writer).await?;
            // Our end of stream, so the client's `read_to_end` finishes.
            writer.shutdown().await
        });
    }
}
// ANCHOR_END: server

// ANCHOR: client
/// Sends `message` to the echo server and returns what came back.
pub async fn echo(address: SocketAddr, message: &[u8]) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(address).await?;
    let (mut reader, mut writer) = stream.split();
    let mut echoed = Vec::new();
    // Write and read at the same time. Writing everything first would get
    // stuck on a big message: the server stops reading while its replies
    // wait for us to read them.
    tokio::try_join!(
        async {
            writer.write_all(message).await?;
            writer.shutdown().await // "that is all": the server sees the end
        },
        reader.read_to_end(&mut echoed),
    )?;
    Ok(echoed)
}
// ANCHOR_END: client

// ANCHOR: tasks
/// The same client with the halves in two tasks: `into_split` gives owned
/// halves, which can move into `tokio::spawn`.
pub async fn echo_with_two_tasks(
    address: SocketAddr,
    message: Vec<u8>,
) -> io::Result<Vec<u8>> {
    let stream = TcpStream::connect(address).await?;
    let (mut reader, mut writer) = stream.into_split();
    let sender = tokio::spawn(async move {
        writer.write_all(&message).await?;
        // Dropping an `OwnedWriteHalf` also shuts the write side down.
        writer.shutdown().await
    });
    let mut echoed = Vec::new();
    reader.read_to_end(&mut echoed).await?;
    sender.await??;
    Ok(echoed)
}
// ANCHOR_END: tasks

// ANCHOR: main
#[tokio::main]
pub async fn main() {
    // Port 0: the operating system picks a free port.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve(listener));

    let big = vec![b'x'; 1024 * 1024];
    // Real network I/O can hang; never wait for it without a limit.
    let (hello, many) = timeout(Duration::from_secs(10), async {
        tokio::try_join!(echo(address, b"hello"), echo(address, &big))
    })
    .await
    .expect("the echo server answers within 10 s")
    .unwrap();
    println!(
        "sent \"hello\", got back {:?}",
        String::from_utf8_lossy(&hello)
    );
    println!(
        "sent {} bytes, got back {} identical bytes",
        big.len(),
        many.len()
    );
    assert_eq!(many, big);
    // Returning shuts the runtime down, and with it the server task.
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    // Real sockets and a real clock: these tests never wait for a timer;
    // the timeouts only turn a hang into a failure.
    const LIMIT: Duration = Duration::from_secs(10);

    async fn server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(serve(listener));
        address
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    #[tokio::test]
    async fn the_server_echoes_small_and_large_messages() {
        let address = server().await;
        for len in [0, 1, 5, 100_000, 3 * 1024 * 1024] {
            let message = pattern(len);
            let echoed = timeout(LIMIT, echo(address, &message))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(echoed, message, "a message of {len} bytes");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn clients_are_served_concurrently() {
        let address = server().await;
        let clients = (0..20).map(|n| {
            tokio::spawn(async move {
                let message = format!("client {n}").into_bytes();
                let echoed = echo(address, &message).await.unwrap();
                assert_eq!(echoed, message);
            })
        });
        let all = futures::future::join_all(clients);
        for joined in timeout(LIMIT, all).await.unwrap() {
            joined.unwrap();
        }
    }

    #[tokio::test]
    async fn owned_halves_work_from_two_tasks() {
        let address = server().await;
        let message = pattern(2 * 1024 * 1024);
        let echoed = timeout(LIMIT, echo_with_two_tasks(address, message.clone()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(echoed, message);
    }
}
