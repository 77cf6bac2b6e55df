// The deadlock from a cycle of bounded channels. An orders actor sends
// items to a pricing actor; the pricing actor sends each price back into
// the orders actor's inbox. Both inboxes are bounded. With a big enough
// batch, each actor waits for room in the other's inbox, and neither ever
// reads its own.

use tokio::sync::{mpsc, oneshot};

// ANCHOR: cycle
/// The orders actor's inbox carries both kinds of message: work from
/// clients and prices from the pricing actor.
pub enum OrdersMessage {
    PriceBatch {
        items: Vec<u64>,
        reply: oneshot::Sender<u64>,
    },
    Priced(u64),
}

/// Prices each item (here: ten times its number) and sends the price back
/// into the orders actor's bounded inbox.
async fn pricing(
    mut inbox: mpsc::Receiver<u64>,
    orders: mpsc::Sender<OrdersMessage>,
) {
    while let Some(item) = inbox.recv().await {
        // Waits while the orders inbox is full.
        if orders.send(OrdersMessage::Priced(item * 10)).await.is_err() {
            return;
        }
    }
}

/// Sends the whole batch to pricing first, then collects the prices from
/// its own inbox. While it is sending, nobody reads that inbox.
async fn orders(
    mut inbox: mpsc::Receiver<OrdersMessage>,
    pricing: mpsc::Sender<u64>,
) {
    while let Some(message) = inbox.recv().await {
        let OrdersMessage::PriceBatch { items, reply } = message else {
            continue; // a stray price; not expected here
        };
        for &item in &items {
            // Waits while the pricing inbox is full.
            pricing.send(item).await.unwrap();
        }
        let mut total = 0;
        for _ in 0..items.len() {
            if let Some(OrdersMessage::Priced(price)) = inbox.recv().await {
                total += price;
            }
        }
        let _ = reply.send(total);
    }
}

/// Starts both actors with inboxes of `capacity` and prices one batch.
pub async fn price_in_a_cycle(items: Vec<u64>, capacity: usize) -> u64 {
    let (to_orders, orders_inbox) = mpsc::channel(capacity);
    let (to_pricing, pricing_inbox) = mpsc::channel(capacity);
    tokio::spawn(pricing(pricing_inbox, to_orders.clone()));
    tokio::spawn(orders(orders_inbox, to_pricing));
    let (reply, answer) = oneshot::channel();
    let batch = OrdersMessage::PriceBatch { items, reply };
    to_orders.send(batch).await.unwrap();
    answer.await.unwrap()
}
// ANCHOR_END: cycle

// ANCHOR: fixed
/// The fix: prices come back on a channel of their own, unbounded. That is
/// safe here because something else bounds it: there is at most one price
/// per item that orders sent, so the queue never holds more than a batch.
/// Pricing never waits on orders, so the cycle of waits is broken.
async fn pricing_fixed(
    mut inbox: mpsc::Receiver<u64>,
    prices: mpsc::UnboundedSender<u64>,
) {
    while let Some(item) = inbox.recv().await {
        if prices.send(item * 10).is_err() {
            return;
        }
    }
}

async fn orders_fixed(
    mut inbox: mpsc::Receiver<(Vec<u64>, oneshot::Sender<u64>)>,
    pricing: mpsc::Sender<u64>,
    mut prices: mpsc::UnboundedReceiver<u64>,
) {
    while let Some((items, reply)) = inbox.recv().await {
        for &item in &items {
            pricing.send(item).await.unwrap();
        }
        let mut total = 0;
        for _ in 0..items.len() {
            total += prices.recv().await.unwrap();
        }
        let _ = reply.send(total);
    }
}

pub async fn price_without_a_cycle(items: Vec<u64>, capacity: usize) -> u64 {
    let (to_orders, orders_inbox) = mpsc::channel(capacity);
    let (to_pricing, pricing_inbox) = mpsc::channel(capacity);
    let (prices, prices_inbox) = mpsc::unbounded_channel();
    tokio::spawn(pricing_fixed(pricing_inbox, prices));
    tokio::spawn(orders_fixed(orders_inbox, to_pricing, prices_inbox));
    let (reply, answer) = oneshot::channel();
    to_orders.send((items, reply)).await.unwrap();
    answer.await.unwrap()
}
// ANCHOR_END: fixed

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    use std::time::Duration;
    use tokio::time::timeout;

    // Inboxes of capacity 2; batches of 1 to 8 items; a (virtual) minute
    // for each batch.
    let minute = Duration::from_secs(60);
    for size in 1..=8 {
        let items: Vec<u64> = (1..=size).collect();
        let cycle = timeout(minute, price_in_a_cycle(items.clone(), 2)).await;
        let fixed = timeout(minute, price_without_a_cycle(items, 2)).await;
        let show = |total: Result<u64, _>| match total {
            Ok(total) => format!("{total:>4}"),
            Err(_) => "hung".to_string(),
        };
        println!("{size} items: cycle {}, fixed {}", show(cycle), show(fixed));
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::timeout;

    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn small_batches_get_through_the_cycle() {
        let total = timeout(MINUTE, price_in_a_cycle(vec![1, 2, 3, 4, 5], 2)).await;
        assert_eq!(total, Ok(150));
    }

    #[tokio::test(start_paused = true)]
    async fn six_items_deadlock_the_cycle() {
        let items: Vec<u64> = (1..=6).collect();
        assert!(timeout(MINUTE, price_in_a_cycle(items, 2)).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn without_the_cycle_any_batch_gets_through() {
        let items: Vec<u64> = (1..=1000).collect();
        let total = timeout(MINUTE, price_without_a_cycle(items, 2)).await;
        assert_eq!(total, Ok(10 * 1000 * 1001 / 2));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_deadlock_does_not_depend_on_the_runtime() {
        // Real time, so the wait is short; the deadlock is permanent, so
        // any wait shows it.
        let items: Vec<u64> = (1..=6).collect();
        let wait = Duration::from_millis(200);
        assert!(timeout(wait, price_in_a_cycle(items, 2)).await.is_err());
    }
}
