// Errors that cross a spawn: a library's error type written with thiserror,
// an application that reports it with anyhow, and the `JoinError` that tokio
// adds on top when the work runs in a task of its own.

// ANCHOR: library
/// The library side: a client for an inventory service. A library returns
/// an error type its callers can match on, so each failure is a variant.
pub mod inventory {
    use std::num::ParseIntError;

    use thiserror::Error;

    /// Why a stock lookup failed. `#[error]` writes the `Display` text;
    /// `#[from]` lets `?` convert the cause and keeps it as the `source()`.
    #[derive(Debug, Error)]
    pub enum LookupError {
        #[error("item {0} does not exist")]
        NotFound(u32),
        #[error("the inventory service is unavailable")]
        Unavailable,
        #[error("the service sent a reply that is not a number")]
        BadReply(#[from] ParseIntError),
    }

    /// Looks up how many of `item` are in stock. Items 1 to 4 stand for the
    /// four outcomes a real service can give; any other item crashes.
    pub async fn stock(item: u32) -> Result<u32, LookupError> {
        match item {
            1 => Ok(12),
            2 => Err(LookupError::NotFound(item)),
            3 => Err(LookupError::Unavailable),
            4 => {
                let reply = "twelve";
                // `?` turns the `ParseIntError` into `LookupError::BadReply`.
                Ok(reply.parse::<u32>()?)
            }
            _ => panic!("item {item} crashed the lookup"),
        }
    }
}
// ANCHOR_END: library

use anyhow::Context;
use inventory::LookupError;

// ANCHOR: two_layers
/// What one spawned lookup came to, told apart layer by layer.
pub async fn lookup_in_task(item: u32) -> String {
    let handle = tokio::spawn(inventory::stock(item));
    // Outer layer: did the task produce a value? Inner: what did it say?
    match handle.await {
        Ok(Ok(count)) => format!("item {item}: {count} in stock"),
        // The library's error is a type to match on: a missing item is an
        // answer (none in stock), not a failure.
        Ok(Err(LookupError::NotFound(_))) => format!("item {item}: 0 in stock"),
        Ok(Err(error)) => format!("item {item}: lookup failed: {error}"),
        // The task never produced a value: it panicked or was cancelled.
        Err(join_error) if join_error.is_panic() => {
            format!("item {item}: the lookup task panicked")
        }
        Err(_) => format!("item {item}: the lookup task was cancelled"),
    }
}
// ANCHOR_END: two_layers

// ANCHOR: application
/// The application side: it does not match on causes, it reports them.
/// `anyhow::Error` holds any error that is `Send + Sync + 'static`, and
/// `context` wraps it in a sentence saying what was being done.
pub async fn total_stock(items: &[u32]) -> anyhow::Result<u32> {
    let mut total = 0;
    for &item in items {
        let handle = tokio::spawn(inventory::stock(item));
        let count = handle
            .await
            .context("the lookup task did not finish")?
            .with_context(|| format!("looking up item {item}"))?;
        total += count;
    }
    Ok(total)
}
// ANCHOR_END: application

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    // Item 5 panics: the default hook prints the panic on standard error,
    // and tokio catches it and ends that task, not the program.
    for item in 1..=5 {
        println!("{}", lookup_in_task(item).await);
    }
    for items in [&[1, 1][..], &[1, 4], &[1, 5]] {
        match total_stock(items).await {
            Ok(total) => println!("total of {items:?}: {total}"),
            Err(error) => {
                // The outermost context first, then each cause beneath it.
                // (`{error:#}` would print the same chain on one line.)
                println!("total of {items:?} failed: {error}");
                for cause in error.chain().skip(1) {
                    println!("  because: {cause}");
                }
            }
        }
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::inventory::{LookupError, stock};
    use super::*;

    #[tokio::test]
    async fn each_layer_is_told_apart() {
        assert_eq!(lookup_in_task(1).await, "item 1: 12 in stock");
        assert_eq!(lookup_in_task(2).await, "item 2: 0 in stock");
        assert_eq!(
            lookup_in_task(3).await,
            "item 3: lookup failed: the inventory service is unavailable"
        );
        assert_eq!(lookup_in_task(5).await, "item 5: the lookup task panicked");
    }

    #[tokio::test]
    async fn from_keeps_the_parse_error_as_the_source() {
        let error = stock(4).await.unwrap_err();
        assert!(matches!(error, LookupError::BadReply(_)));
        let source = error.source().expect("a source");
        assert_eq!(source.to_string(), "invalid digit found in string");
    }

    #[tokio::test]
    async fn anyhow_reports_the_whole_chain() {
        assert_eq!(total_stock(&[1, 1]).await.unwrap(), 24);
        let error = total_stock(&[1, 4]).await.unwrap_err();
        let chain: Vec<String> = error.chain().map(|e| e.to_string()).collect();
        assert_eq!(
            chain,
            [
                "looking up item 4",
                "the service sent a reply that is not a number",
                "invalid digit found in string",
            ]
        );
        // The library's type is still inside, for a caller that needs it.
        assert!(error.downcast_ref::<LookupError>().is_some());
    }

    #[tokio::test]
    async fn a_panicking_task_becomes_a_join_error_in_the_chain() {
        let error = total_stock(&[5]).await.unwrap_err();
        assert_eq!(error.to_string(), "the lookup task did not finish");
        let join_error = error.downcast_ref::<tokio::task::JoinError>().unwrap();
        assert!(join_error.is_panic());
    }
}
