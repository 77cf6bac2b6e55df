use tokio::io;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let (mut socket, _) = listener.accept().await?;
    // Echo: read from the socket, write into the same socket.
    io::copy(&mut socket, &mut socket).await?;
    Ok(())
}
