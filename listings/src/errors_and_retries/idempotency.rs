// A retry after a timeout can repeat work that was already done: the
// request arrived and was carried out, and only the answer came too late.
// An idempotency key lets the server recognise the repeat.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep, timeout};

/// The server's answer: the number of the charge it made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Receipt(pub u32);

/// One request to charge an account.
pub struct Charge {
    /// Chosen by the client once per payment and sent again on every
    /// retry of it. `None` is the client that sends no key.
    pub key: Option<u64>,
    pub reply: oneshot::Sender<Receipt>,
}

// ANCHOR: server
/// Takes charges one at a time until every client is gone, and returns
/// how many charges it made. The first charge is slow (the database is
/// warming up); the rest take 100 ms.
pub async fn payment_server(mut requests: mpsc::Receiver<Charge>) -> u32 {
    let mut charges_made = 0;
    // The receipt already given for each key.
    let mut done: HashMap<u64, Receipt> = HashMap::new();
    while let Some(charge) = requests.recv().await {
        if let Some(receipt) = charge.key.and_then(|key| done.get(&key)) {
            // A repeat: answer as before, charge nothing.
            let _ = charge.reply.send(*receipt);
            continue;
        }
        let work = if charges_made == 0 { 1500 } else { 100 };
        sleep(Duration::from_millis(work)).await;
        charges_made += 1;
        let receipt = Receipt(charges_made);
        if let Some(key) = charge.key {
            done.insert(key, receipt);
        }
        // The client may have stopped waiting. The charge is made anyway:
        // a lost answer does not undo the work.
        let _ = charge.reply.send(receipt);
    }
    charges_made
}
// ANCHOR_END: server

// ANCHOR: client
/// Asks for one charge, waiting 1 s for each answer, three times at most.
pub async fn pay(
    server: &mpsc::Sender<Charge>,
    key: Option<u64>,
) -> Result<Receipt, &'static str> {
    for _attempt in 0..3 {
        let (reply, answer) = oneshot::channel();
        let request = async {
            server.send(Charge { key, reply }).await.ok()?;
            answer.await.ok()
        };
        match timeout(Duration::from_secs(1), request).await {
            Ok(Some(receipt)) => return Ok(receipt),
            Ok(None) => return Err("the server is gone"),
            // Timed out. The request may or may not have been done.
            Err(_elapsed) => continue,
        }
    }
    Err("no answer after three attempts")
}
// ANCHOR_END: client

/// One payment against a fresh server: the client's result, and how many
/// charges the server made.
pub async fn one_payment(key: Option<u64>) -> (Result<Receipt, &'static str>, u32) {
    let (requests, inbox) = mpsc::channel(8);
    let server = tokio::spawn(payment_server(inbox));
    let result = pay(&requests, key).await;
    drop(requests);
    let charges = server.await.expect("the server panicked");
    (result, charges)
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let (result, charges) = one_payment(None).await;
    println!("no key:   client got {result:?}, account charged {charges} times");
    let (result, charges) = one_payment(Some(7)).await;
    println!("with key: client got {result:?}, account charged {charges} time");
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn a_retry_without_a_key_charges_twice() {
        let start = Instant::now();
        let (result, charges) = one_payment(None).await;
        assert_eq!(result, Ok(Receipt(2)));
        assert_eq!(charges, 2);
        // First charge done at 1.5 s, the repeat at 1.6 s.
        assert_eq!(start.elapsed(), Duration::from_millis(1600));
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_with_a_key_charges_once() {
        let start = Instant::now();
        let (result, charges) = one_payment(Some(7)).await;
        // The retry gets the receipt of the first, timed-out attempt.
        assert_eq!(result, Ok(Receipt(1)));
        assert_eq!(charges, 1);
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
    }

    #[tokio::test(start_paused = true)]
    async fn different_payments_use_different_keys() {
        let (requests, inbox) = mpsc::channel(8);
        let server = tokio::spawn(payment_server(inbox));
        let first = pay(&requests, Some(1)).await;
        let second = pay(&requests, Some(2)).await;
        let again = pay(&requests, Some(1)).await;
        drop(requests);
        assert_eq!(
            (first, second, again),
            (Ok(Receipt(1)), Ok(Receipt(2)), Ok(Receipt(1)))
        );
        assert_eq!(server.await.unwrap(), 2);
    }
}
