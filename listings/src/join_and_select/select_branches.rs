// The parts of a `select!` branch: `biased;`, a pattern that can disable a
// branch, a precondition (`, if ...`) and the `else` branch.

// ANCHOR: branches
use tokio::sync::mpsc::Receiver;

/// Takes every urgent message, and at most `quota` normal ones, urgent first.
pub async fn collect(
    mut urgent: Receiver<String>,
    mut normal: Receiver<String>,
    quota: usize,
) -> Vec<String> {
    let mut taken = Vec::new();
    let mut normal_taken = 0;
    loop {
        tokio::select! {
            // Poll the branches top to bottom instead of in random order,
            // so an urgent message always goes first.
            biased;
            // When `urgent` is closed and empty, `recv` returns `None`. The
            // pattern does not match, so this branch is disabled for this round.
            Some(message) = urgent.recv() => taken.push(message),
            // The precondition is checked first: once the quota is used up,
            // the `recv` future is still created but never polled, so it
            // takes nothing from the channel.
            Some(message) = normal.recv(), if normal_taken < quota => {
                normal_taken += 1;
                taken.push(message);
            }
            // Every branch is disabled: nothing is left to wait for.
            else => break,
        }
    }
    taken
}
// ANCHOR_END: branches

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::sync::mpsc;

    async fn channel_with(
        messages: &[&str],
    ) -> (mpsc::Sender<String>, Receiver<String>) {
        let (tx, rx) = mpsc::channel(16);
        for message in messages {
            tx.send(message.to_string()).await.unwrap();
        }
        (tx, rx)
    }

    #[tokio::test]
    async fn urgent_first_then_normal_up_to_the_quota() {
        let (urgent_tx, urgent) = channel_with(&["u1", "u2"]).await;
        let (normal_tx, normal) = channel_with(&["n1", "n2", "n3"]).await;
        drop(urgent_tx); // closed: its branch gets disabled once it is empty
        let taken = collect(urgent, normal, 2).await;
        assert_eq!(taken, ["u1", "u2", "n1", "n2"]);
        drop(normal_tx);
    }

    #[tokio::test(start_paused = true)]
    async fn keeps_waiting_while_a_sender_is_open() {
        let (urgent_tx, urgent) = channel_with(&[]).await;
        let (_normal_tx, normal) = channel_with(&["n1"]).await;
        let waiting =
            tokio::time::timeout(Duration::from_secs(1), collect(urgent, normal, 5))
                .await;
        assert!(
            waiting.is_err(),
            "`urgent` is open, so the loop waits for it"
        );
        drop(urgent_tx);
    }
}
