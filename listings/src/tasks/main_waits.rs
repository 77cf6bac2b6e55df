// The fix: keep the handles and wait for the tasks before returning.

use std::time::Duration;

pub async fn send_welcome_email(user: &str) -> usize {
    tokio::time::sleep(Duration::from_millis(100 * user.len() as u64)).await;
    println!("welcome email sent to {user}");
    user.len()
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: all
pub async fn main() {
    let mut emails = tokio::task::JoinSet::new();
    for user in ["ada", "grace"] {
        emails.spawn(send_welcome_email(user));
        println!("signed up {user}");
    }
    println!("waiting for {} emails", emails.len());
    // Wait for every task before `main` returns.
    emails.join_all().await;
    println!("main is done");
}
// ANCHOR_END: all

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::task::JoinSet;

    #[tokio::test(start_paused = true)]
    async fn the_emails_run_concurrently_and_all_finish() {
        let start = tokio::time::Instant::now();
        let mut emails = JoinSet::new();
        for user in ["ada", "grace"] {
            emails.spawn(send_welcome_email(user));
        }
        // Completion order: "ada" (300 ms) before "grace" (500 ms).
        assert_eq!(emails.join_all().await, [3, 5]);
        assert_eq!(start.elapsed(), Duration::from_millis(500));
    }
}
