// A spawned task can end in three ways: it returns, it panics, or it is
// cancelled. `JoinHandle` reports all three through one `Result`.

use std::error::Error;
use std::num::ParseIntError;
use std::time::Duration;

use tokio::task::JoinError;

// The error type for `main`-level code: any error that may cross threads.
type BoxError = Box<dyn Error + Send + Sync>;

// The task's own work, which can fail in its own way.
pub async fn parse_port(text: String) -> Result<u16, ParseIntError> {
    text.trim().parse::<u16>()
}

// ANCHOR: double_question_mark
pub async fn port_from_task(text: &str) -> Result<u16, BoxError> {
    let handle = tokio::spawn(parse_port(text.to_string()));
    // `handle.await` is `Result<Result<u16, ParseIntError>, JoinError>`.
    // The first `?` handles the `JoinError`: the task panicked or was
    // cancelled. The second `?` handles the task's own `ParseIntError`.
    let port = handle.await??;
    Ok(port)
}
// ANCHOR_END: double_question_mark

// ANCHOR: describe
// Turns a `JoinError` into a sentence, recovering a panic's message.
pub fn describe(error: JoinError) -> String {
    if error.is_cancelled() {
        return "the task was cancelled".to_string();
    }
    // Not cancelled, so it panicked. `into_panic` hands back the payload
    // that `panic!` carried: a `&'static str` or a `String`.
    let payload = error.into_panic();
    if let Some(message) = payload.downcast_ref::<&str>() {
        format!("the task panicked: {message}")
    } else if let Some(message) = payload.downcast_ref::<String>() {
        format!("the task panicked: {message}")
    } else {
        "the task panicked with a non-string payload".to_string()
    }
}
// ANCHOR_END: describe

// ANCHOR: main
#[tokio::main]
pub async fn main() {
    // 1. The task succeeds.
    println!(
        "{:?}",
        port_from_task("8080").await.map_err(|e| e.to_string())
    );

    // 2. The task returns its own error: the inner `?` fires.
    println!(
        "{:?}",
        port_from_task("eighty").await.map_err(|e| e.to_string())
    );

    // 3. The task panics: the outer `?` fires with a `JoinError`.
    let panicking = tokio::spawn(async {
        let ports: Vec<u16> = Vec::new();
        ports.first().copied().expect("no ports configured")
    });
    println!("{}", describe(panicking.await.unwrap_err()));

    // 4. The task is aborted before it finishes: also a `JoinError`.
    let slow = tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        8080
    });
    slow.abort();
    println!("{}", describe(slow.await.unwrap_err()));
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_successful_task_passes_both_question_marks() {
        assert_eq!(port_from_task(" 8080 ").await.unwrap(), 8080);
    }

    #[tokio::test]
    async fn the_inner_question_mark_returns_the_tasks_own_error() {
        let error = port_from_task("eighty").await.unwrap_err();
        // The boxed error is the task's `ParseIntError`, not a `JoinError`.
        assert!(error.downcast_ref::<ParseIntError>().is_some());
        assert!(error.downcast_ref::<JoinError>().is_none());
    }

    #[tokio::test]
    async fn a_panic_becomes_a_join_error_and_does_not_reach_the_caller() {
        let handle = tokio::spawn(async {
            panic!("no ports configured");
        });
        let error: JoinError = handle.await.unwrap_err();
        assert!(error.is_panic());
        assert!(!error.is_cancelled());
        assert_eq!(describe(error), "the task panicked: no ports configured");
    }

    #[tokio::test]
    async fn a_formatted_panic_message_is_a_string_payload() {
        let handle = tokio::spawn(async move {
            let port = 70000;
            panic!("port {port} is out of range");
        });
        let error = handle.await.unwrap_err();
        assert_eq!(
            describe(error),
            "the task panicked: port 70000 is out of range"
        );
    }

    #[tokio::test]
    async fn the_outer_question_mark_returns_the_join_error() {
        async fn run() -> Result<u16, BoxError> {
            let handle = tokio::spawn(async { panic!("boom") });
            let port: u16 = handle.await?;
            Ok(port)
        }
        let error = run().await.unwrap_err();
        let join_error = error.downcast_ref::<JoinError>().unwrap();
        assert!(join_error.is_panic());
    }

    #[tokio::test(start_paused = true)]
    async fn an_aborted_task_is_cancelled_not_panicked() {
        let handle = tokio::spawn(async {
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
        handle.abort();
        let error = handle.await.unwrap_err();
        assert!(error.is_cancelled());
        assert!(!error.is_panic());
        assert_eq!(describe(error), "the task was cancelled");
    }
}
