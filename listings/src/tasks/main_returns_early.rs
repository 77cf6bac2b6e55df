// The classic surprise: a spawned task that never gets to finish.

// ANCHOR: all
use std::time::Duration;

pub async fn send_welcome_email(user: &str) {
    println!("connecting to the mail server for {user}");
    // Stands in for a slow call to a mail server.
    tokio::time::sleep(Duration::from_millis(100 * user.len() as u64)).await;
    println!("welcome email sent to {user}");
}

// ANCHOR_END: all
#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: all
pub async fn main() {
    for user in ["ada", "grace"] {
        // Fire and forget: the handle is dropped at once.
        tokio::spawn(send_welcome_email(user));
        println!("signed up {user}");
    }
    // Some other work that takes a moment. Meanwhile both email tasks start
    // and wait at their `.await` for the mail server.
    tokio::time::sleep(Duration::from_millis(50)).await;
    println!("main is done");
    // `main` returns here. The runtime shuts down and drops every task that
    // has not finished, so neither email is sent.
}
// ANCHOR_END: all

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    struct SetOnDrop(Arc<AtomicBool>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn shutting_down_drops_a_task_waiting_at_an_await() {
        let waiting = Arc::new(AtomicBool::new(false));
        let finished = Arc::new(AtomicBool::new(false));
        let dropped = Arc::new(AtomicBool::new(false));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let (waiting, finished) = (waiting.clone(), finished.clone());
            let guard = SetOnDrop(dropped.clone());
            tokio::spawn(async move {
                let _guard = guard;
                waiting.store(true, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(300)).await;
                finished.store(true, Ordering::SeqCst);
            });
            // Like `main` above: other work, then return without waiting.
            tokio::time::sleep(Duration::from_millis(50)).await;
        });
        // The task ran up to its `.await` and is waiting there.
        assert!(waiting.load(Ordering::SeqCst), "the task never started");
        assert!(
            !dropped.load(Ordering::SeqCst),
            "still alive in the runtime"
        );
        drop(runtime);
        assert!(dropped.load(Ordering::SeqCst), "dropped by the shutdown");
        assert!(!finished.load(Ordering::SeqCst), "never finished");
    }
}
