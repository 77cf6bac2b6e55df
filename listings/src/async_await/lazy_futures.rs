// Futures are lazy: calling an async function runs none of its body. It only
// builds a value that describes the work. The body runs when something polls
// that value, which is what `.await` does.

use std::cell::RefCell;

// ANCHOR: lazy
/// Records what it does in `log`, so we can see when its body runs.
async fn brew(log: &RefCell<Vec<&'static str>>) -> &'static str {
    log.borrow_mut().push("brewing");
    "coffee"
}

pub async fn show_laziness() -> (Vec<&'static str>, Vec<&'static str>) {
    let log = RefCell::new(Vec::new());

    let future = brew(&log); // builds the future; nothing runs yet
    let before = log.borrow().clone();

    let drink = future.await; // now the body runs, to completion
    assert_eq!(drink, "coffee");
    let after = log.borrow().clone();

    (before, after)
}
// ANCHOR_END: lazy

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let (before, after) = show_laziness().await;
    println!("log before .await: {before:?}");
    println!("log after .await:  {after:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn nothing_runs_before_await() {
        let (before, after) = show_laziness().await;
        assert!(before.is_empty());
        assert_eq!(after, ["brewing"]);
    }

    #[tokio::test]
    async fn a_future_that_is_dropped_never_runs() {
        let log = RefCell::new(Vec::new());
        drop(brew(&log));
        assert!(log.borrow().is_empty());
    }
}
