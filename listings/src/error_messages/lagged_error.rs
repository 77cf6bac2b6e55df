// A broadcast receiver that falls behind by more than the channel's capacity
// gets `Err(RecvError::Lagged(n))` from `recv`, where `n` counts the values it
// will never see. The error is printed the two ways a program prints it.

use tokio::sync::broadcast::{self, error::RecvError};

/// Sends four values into a channel that holds two, then receives once.
pub async fn fall_behind() -> RecvError {
    let (tx, mut rx) = broadcast::channel::<u32>(2);
    for value in 1..=4 {
        tx.send(value).unwrap();
    }
    // ANCHOR: lagged
    let error = rx.recv().await.unwrap_err();
    println!("{error}"); // Display
    println!("{error:?}"); // Debug, as `unwrap` and `?` in `main` show it
    // ANCHOR_END: lagged
    // Lagging is not the end: the receiver goes on from the oldest value kept.
    println!("next: {:?}", rx.recv().await);
    error
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    fall_behind().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn two_values_are_lost_and_the_receiver_goes_on() {
        let error = fall_behind().await;
        assert_eq!(error, RecvError::Lagged(2));
        assert_eq!(error.to_string(), "channel lagged by 2");
        assert_eq!(format!("{error:?}"), "Lagged(2)");
    }
}
