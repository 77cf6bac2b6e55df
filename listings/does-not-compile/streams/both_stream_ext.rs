use futures::StreamExt;
use tokio_stream::StreamExt as _;

#[tokio::main]
async fn main() {
    let doubled: Vec<i32> =
        tokio_stream::iter([1, 2, 3]).map(|n| n * 2).collect().await;
    assert_eq!(doubled, [2, 4, 6]);
}
