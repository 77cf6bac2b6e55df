use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut stream = TcpStream::connect("127.0.0.1:7").await?;
    // One task reads the replies...
    let reader = tokio::spawn(async move {
        let mut replies = Vec::new();
        stream.read_to_end(&mut replies).await.map(|_| replies)
    });
    // ...while this one writes the requests.
    stream.write_all(b"hello").await?;
    reader.await??;
    Ok(())
}
