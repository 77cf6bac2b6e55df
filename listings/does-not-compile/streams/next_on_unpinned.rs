use async_stream::stream;
use tokio_stream::StreamExt;

#[tokio::main]
async fn main() {
    let mut ticks = stream! {
        for n in 1..=3 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            yield n;
        }
    };
    // `next()` needs the stream to be `Unpin`; this one is not.
    while let Some(n) = ticks.next().await {
        println!("{n}");
    }
}
