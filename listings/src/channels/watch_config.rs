// watch: one value that changes over time. Receivers see the latest value,
// not every value: quick successive sends are coalesced.

use std::time::Duration;

use tokio::sync::watch;
use tokio::time::sleep;

// ANCHOR: config
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub version: u32,
    pub max_connections: usize,
}

/// Applies each new configuration it notices, until the sender is dropped.
/// Applying one takes a second, during which more updates may arrive.
/// Returns the versions it applied.
pub async fn apply_configs(mut config: watch::Receiver<Config>) -> Vec<u32> {
    let mut applied = Vec::new();
    // `changed` waits until a value this receiver has not seen is sent. It
    // returns `Err` once the sender is dropped.
    while config.changed().await.is_ok() {
        // `borrow_and_update` reads the latest value and marks it seen, so
        // the next `changed` waits for a newer one. Clone it out: the borrow
        // holds a read lock, which must not be kept across the `.await`.
        let latest = config.borrow_and_update().clone();
        sleep(Duration::from_secs(1)).await; // apply it
        applied.push(latest.version);
    }
    applied
}
// ANCHOR_END: config

// ANCHOR: wait_for
/// Waits until the configuration allows at least `needed` connections, and
/// returns the version that does, or `None` if the sender goes away first.
pub async fn wait_for_room(
    mut config: watch::Receiver<Config>,
    needed: usize,
) -> Option<u32> {
    // `wait_for` tests the current value first (seen or not), then each new
    // value it notices, and returns the first that passes. The `Ref` it
    // gives holds the read lock: copy out what you need, right away.
    let config = config
        .wait_for(|c| c.max_connections >= needed)
        .await
        .ok()?;
    Some(config.version)
}
// ANCHOR_END: wait_for

/// Version `version` of the configuration, with room for 10 connections a
/// version.
pub fn config(version: u32) -> Config {
    Config {
        version,
        max_connections: 10 * version as usize,
    }
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let (tx, rx) = watch::channel(config(1));
    let applier = tokio::spawn(apply_configs(rx));
    let waiter = tokio::spawn(wait_for_room(tx.subscribe(), 50));

    // Three updates in a row, before the other tasks get to run.
    for version in 2..=4 {
        tx.send(config(version)).unwrap();
    }
    sleep(Duration::from_millis(500)).await;
    // Two more while the applier is busy applying version 4.
    for version in 5..=6 {
        tx.send(config(version)).unwrap();
    }
    sleep(Duration::from_secs(5)).await;
    drop(tx);

    println!(
        "sent versions 2 to 6, applied: {:?}",
        applier.await.unwrap()
    );
    println!(
        "first version seen with room for 50: {:?}",
        waiter.await.unwrap()
    );
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::timeout;

    #[tokio::test(start_paused = true)]
    async fn quick_updates_are_coalesced_into_the_latest() {
        let (tx, rx) = watch::channel(config(1));
        let applier = tokio::spawn(apply_configs(rx));

        // Three updates in a row, before the applier gets to run.
        tx.send(config(2)).unwrap();
        tx.send(config(3)).unwrap();
        tx.send(config(4)).unwrap();
        sleep(Duration::from_millis(500)).await;
        // Two more while version 4 is being applied.
        tx.send(config(5)).unwrap();
        tx.send(config(6)).unwrap();
        sleep(Duration::from_secs(5)).await;
        drop(tx);

        // The initial value counts as seen; versions 2, 3 and 5 were never
        // observed, only overwritten.
        assert_eq!(applier.await.unwrap(), [4, 6]);
    }

    #[tokio::test(start_paused = true)]
    async fn borrow_does_not_mark_the_value_seen_but_borrow_and_update_does() {
        let (tx, mut rx) = watch::channel(config(1));
        tx.send(config(2)).unwrap();

        // `borrow` reads without marking: `changed` still fires.
        assert_eq!(rx.borrow().version, 2);
        rx.changed().await.unwrap();
        // `changed` itself marks the value seen.
        let waited = timeout(Duration::from_secs(1), rx.changed()).await;
        assert!(waited.is_err(), "nothing new to see");

        tx.send(config(3)).unwrap();
        assert_eq!(rx.borrow_and_update().version, 3);
        let waited = timeout(Duration::from_secs(1), rx.changed()).await;
        assert!(waited.is_err(), "version 3 was already marked seen");
    }

    #[test]
    fn send_fails_without_receivers_but_send_replace_and_send_modify_do_not() {
        let (tx, rx) = watch::channel(config(1));
        drop(rx);

        // With nobody watching, `send` refuses and does not store the value.
        let error = tx.send(config(2)).unwrap_err();
        assert_eq!(error.0.version, 2);
        assert_eq!(tx.borrow().version, 1);

        // `send_replace` stores it anyway and returns the old value.
        let old = tx.send_replace(config(3));
        assert_eq!(old.version, 1);
        // `send_modify` changes it in place.
        tx.send_modify(|config| config.max_connections = 99);
        assert_eq!(
            *tx.borrow(),
            Config {
                version: 3,
                max_connections: 99
            }
        );

        // A receiver subscribed later sees the stored value.
        assert_eq!(tx.subscribe().borrow().version, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn wait_for_tests_the_current_value_first() {
        let (tx, rx) = watch::channel(config(5));
        assert_eq!(wait_for_room(rx, 50).await, Some(5));
        drop(tx);
    }

    #[tokio::test(start_paused = true)]
    async fn wait_for_returns_the_first_value_it_sees_that_passes() {
        let (tx, rx) = watch::channel(config(1));
        let waiter = tokio::spawn(wait_for_room(rx, 50));
        tokio::task::yield_now().await;
        tx.send(config(5)).unwrap();
        tx.send(config(6)).unwrap();
        // Version 5 was replaced before the waiter looked.
        assert_eq!(waiter.await.unwrap(), Some(6));
    }

    #[tokio::test(start_paused = true)]
    async fn wait_for_gives_up_when_the_sender_is_gone() {
        let (tx, rx) = watch::channel(config(1));
        let waiter = tokio::spawn(wait_for_room(rx, 50));
        tx.send(config(2)).unwrap();
        drop(tx);
        assert_eq!(
            timeout(Duration::from_secs(60), waiter)
                .await
                .unwrap()
                .unwrap(),
            None
        );
    }
}
