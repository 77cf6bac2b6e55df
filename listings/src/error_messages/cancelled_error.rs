// Awaiting the handle of an aborted task gives a `JoinError` for which
// `is_cancelled()` is true, if the abort came before the task finished. The
// error is printed the two ways a program prints it.

use std::time::Duration;

use tokio::task::JoinError;

/// Spawns a task that sleeps, aborts it, and awaits its handle.
pub async fn abort_a_sleeper() -> (JoinError, tokio::task::Id) {
    // ANCHOR: cancelled
    let handle = tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let id = handle.id();
    handle.abort();
    let error = handle.await.unwrap_err();
    println!("{error}"); // Display
    println!("{error:?}"); // Debug, as `unwrap` and `?` in `main` show it
    // ANCHOR_END: cancelled
    (error, id)
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    abort_a_sleeper().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_error_says_cancelled_and_names_the_task() {
        let (error, id) = abort_a_sleeper().await;
        assert!(error.is_cancelled());
        assert_eq!(error.id(), id);
        // Task ids count up across the process, so the test builds the text
        // from the id; in a program of its own the first task is task 1.
        assert_eq!(error.to_string(), format!("task {id} was cancelled"));
        assert_eq!(
            format!("{error:?}"),
            format!("JoinError::Cancelled(Id({id}))")
        );
    }
}
