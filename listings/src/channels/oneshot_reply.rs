// Request/response over channels: each request carries a oneshot sender, and
// the server answers on it. The client may have stopped waiting, so the
// server ignores a failed reply instead of panicking.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep, timeout};

// ANCHOR: server
/// A request to the squaring server, with the channel for its answer.
pub struct Request {
    pub number: u64,
    pub reply: oneshot::Sender<u64>,
}

/// Serves requests one at a time until every client handle is gone.
/// Each answer takes `work` of (simulated) computation.
pub async fn serve(mut requests: mpsc::Receiver<Request>, work: Duration) {
    while let Some(Request { number, reply }) = requests.recv().await {
        sleep(work).await;
        // The client may have given up (a timeout, a cancelled task) and
        // dropped its receiver. Then `send` returns the value back in `Err`.
        // That is the client's business, not a reason to stop serving
        // everyone else, so the result is deliberately ignored.
        let _ = reply.send(number * number);
    }
}
// ANCHOR_END: server

// ANCHOR: client
/// Asks the server to square `number`, waiting at most `patience`.
/// `None` means no answer in time, or no server.
pub async fn square(
    server: &mpsc::Sender<Request>,
    number: u64,
    patience: Duration,
) -> Option<u64> {
    let (reply, answer) = oneshot::channel();
    server.send(Request { number, reply }).await.ok()?;
    // `answer` is a future. If the timeout drops it, the server's `send`
    // on the other end will fail, which the server expects.
    match timeout(patience, answer).await {
        Ok(Ok(squared)) => Some(squared),
        // The server dropped the request without answering.
        Ok(Err(_)) => None,
        // We ran out of patience.
        Err(_) => None,
    }
}
// ANCHOR_END: client

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let (tx, rx) = mpsc::channel(8);
    let server = tokio::spawn(serve(rx, Duration::from_secs(1)));
    let start = tokio::time::Instant::now();
    let impatient = square(&tx, 3, Duration::from_millis(100)).await;
    println!("3 squared, 100 ms of patience: {impatient:?}");
    let patient = square(&tx, 4, Duration::from_secs(5)).await;
    println!(
        "4 squared, 5 s of patience: {patient:?} at {:.1}s",
        start.elapsed().as_secs_f64()
    );
    drop(tx);
    let ended = server.await;
    println!("server ended without panicking: {}", ended.is_ok());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_server_answers_each_request() {
        let (tx, rx) = mpsc::channel(8);
        tokio::spawn(serve(rx, Duration::from_secs(1)));
        let patience = Duration::from_secs(5);
        assert_eq!(square(&tx, 3, patience).await, Some(9));
        assert_eq!(square(&tx, 12, patience).await, Some(144));
    }

    #[tokio::test(start_paused = true)]
    async fn an_impatient_client_does_not_stop_the_server() {
        let (tx, rx) = mpsc::channel(8);
        let server = tokio::spawn(serve(rx, Duration::from_secs(1)));

        // This client gives up after 100 ms; the server answers at 1 s, to
        // nobody.
        assert_eq!(square(&tx, 3, Duration::from_millis(100)).await, None);
        // The server is still there for the next client.
        assert_eq!(square(&tx, 4, Duration::from_secs(5)).await, Some(16));

        drop(tx);
        server.await.expect("the server did not panic");
    }

    #[test]
    fn send_returns_the_value_when_the_receiver_is_gone() {
        let (reply, answer) = oneshot::channel::<u64>();
        drop(answer);
        assert_eq!(reply.send(81), Err(81));
    }

    #[tokio::test]
    async fn a_dropped_sender_wakes_the_receiver_with_an_error() {
        let (reply, answer) = oneshot::channel::<u64>();
        drop(reply);
        assert!(answer.await.is_err());
    }
}
