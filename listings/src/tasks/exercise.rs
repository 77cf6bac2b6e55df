// Exercise: fetch many records concurrently, one task per id, and return
// the results in the order of the ids, with panics reported as errors.

use std::time::Duration;

// ANCHOR: given
/// What can go wrong with one id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The record does not exist (the fetch itself said so).
    NotFound(u32),
    /// The task fetching this id panicked, with the panic's message.
    Panicked { id: u32, message: String },
    /// The task fetching this id was cancelled.
    Cancelled(u32),
}

/// A simulated remote call: takes `id % 10` seconds, fails for ids of 100
/// and above, and panics for id 13.
pub async fn fetch(id: u32) -> Result<String, FetchError> {
    tokio::time::sleep(Duration::from_secs(u64::from(id % 10))).await;
    if id == 13 {
        panic!("record {id} is corrupt");
    }
    if id >= 100 {
        return Err(FetchError::NotFound(id));
    }
    Ok(format!("record {id}"))
}
// ANCHOR_END: given

// ANCHOR: attempt
pub mod attempt {
    #[allow(unused_imports)]
    use super::{FetchError, fetch};

    /// Fetches every id concurrently: spawn one task per id into a
    /// `tokio::task::JoinSet`. Returns one result per id, in the order of
    /// `ids`. A task that panics (or is cancelled) must not take the caller
    /// down: report it as `FetchError::Panicked` (or `Cancelled`) for its id.
    #[allow(unused_variables)]
    pub async fn fetch_all(ids: &[u32]) -> Vec<Result<String, FetchError>> {
        // Hint: a task that panics returns no value, only a `JoinError`.
        // How will you know which id it was fetching?
        todo!()
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::collections::HashMap;

    use tokio::task::{JoinError, JoinSet};

    use super::{FetchError, fetch};

    pub async fn fetch_all(ids: &[u32]) -> Vec<Result<String, FetchError>> {
        let mut set = JoinSet::new();
        // A task that panics returns no value, only a `JoinError`. Its task
        // id is what tells us which input it was, so remember every task id.
        let mut position_of_task = HashMap::new();
        for (position, &id) in ids.iter().enumerate() {
            let abort_handle = set.spawn(async move { (position, fetch(id).await) });
            position_of_task.insert(abort_handle.id(), position);
        }

        // One slot per input, filled in whatever order the tasks finish.
        let mut results: Vec<Option<Result<String, FetchError>>> =
            vec![None; ids.len()];
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok((position, result)) => results[position] = Some(result),
                Err(error) => {
                    let position = position_of_task[&error.id()];
                    results[position] =
                        Some(Err(join_error_to_fetch_error(ids[position], error)));
                }
            }
        }
        results
            .into_iter()
            .map(|slot| slot.expect("every task reports exactly once"))
            .collect()
    }

    fn join_error_to_fetch_error(id: u32, error: JoinError) -> FetchError {
        if error.is_cancelled() {
            return FetchError::Cancelled(id);
        }
        let payload = error.into_panic();
        let message = if let Some(text) = payload.downcast_ref::<&str>() {
            text.to_string()
        } else if let Some(text) = payload.downcast_ref::<String>() {
            text.clone()
        } else {
            "unknown panic".to_string()
        };
        FetchError::Panicked { id, message }
    }
}
// ANCHOR_END: solution

// When the chapter shows this file, rustdoc compiles it as a program. With a
// `main` of its own it is not wrapped in one, so `super::` above still reaches
// the items at the top of the file.
#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use super::FetchError;
    use std::time::Duration;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn results_follow_the_order_of_the_ids() {
        // Finishing order is 1, 2, 3, 5; the results must not follow it.
        let results = fetch_all(&[5, 3, 1, 2]).await;
        let expected: Vec<Result<String, FetchError>> = [5, 3, 1, 2]
            .iter()
            .map(|id| Ok(format!("record {id}")))
            .collect();
        assert_eq!(results, expected);
    }

    #[tokio::test(start_paused = true)]
    async fn the_fetches_run_concurrently() {
        let start = Instant::now();
        let results = fetch_all(&[4, 8, 2, 6]).await;
        assert_eq!(results.len(), 4);
        // As slow as the slowest fetch (8 s), not the sum (20 s).
        assert_eq!(start.elapsed(), Duration::from_secs(8));
    }

    #[tokio::test(start_paused = true)]
    async fn a_fetch_error_is_returned_for_its_own_id() {
        let results = fetch_all(&[1, 104, 2]).await;
        assert_eq!(results[0], Ok("record 1".to_string()));
        assert_eq!(results[1], Err(FetchError::NotFound(104)));
        assert_eq!(results[2], Ok("record 2".to_string()));
    }

    #[tokio::test(start_paused = true)]
    async fn a_panicking_task_becomes_an_error_and_the_rest_still_arrive() {
        let start = Instant::now();
        let results = fetch_all(&[9, 13, 7]).await;
        assert_eq!(
            results,
            vec![
                Ok("record 9".to_string()),
                Err(FetchError::Panicked {
                    id: 13,
                    message: "record 13 is corrupt".to_string(),
                }),
                Ok("record 7".to_string()),
            ]
        );
        assert_eq!(start.elapsed(), Duration::from_secs(9));
    }

    #[tokio::test(start_paused = true)]
    async fn duplicate_ids_each_get_a_result() {
        let results = fetch_all(&[3, 3, 13, 13]).await;
        assert_eq!(results.len(), 4);
        assert_eq!(results[0], Ok("record 3".to_string()));
        assert_eq!(results[1], Ok("record 3".to_string()));
        assert!(matches!(
            results[2],
            Err(FetchError::Panicked { id: 13, .. })
        ));
        assert!(matches!(
            results[3],
            Err(FetchError::Panicked { id: 13, .. })
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn no_ids_no_results() {
        let start = Instant::now();
        // An empty input is still answered, at once.
        assert!(fetch_all(&[]).await.is_empty());
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
