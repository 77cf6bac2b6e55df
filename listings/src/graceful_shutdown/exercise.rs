// Exercise: a registry of the requests in flight, so that a shutdown can wait
// until none is left, and say which ones were when the grace period ran out.

// ANCHOR: attempt
pub mod attempt {
    use std::time::Duration;

    /// The requests a server is working on. Clones share one registry.
    #[derive(Clone)]
    pub struct InFlight {
        // Your fields here.
    }

    /// Proof that a request is in flight. Dropping it, however that
    /// happens, ends the request.
    pub struct Guard {
        // Your fields here.
    }

    impl InFlight {
        pub fn new() -> InFlight {
            todo!()
        }

        /// Records that the request `name` has started. Two requests may
        /// have the same name; each counts on its own.
        #[allow(unused_variables)]
        pub fn start(&self, name: &str) -> Guard {
            todo!()
        }

        /// How many requests are in flight.
        pub fn count(&self) -> usize {
            todo!()
        }

        /// Waits until no request is in flight, for at most `grace`. Returns
        /// `Err` with the names of the requests still in flight at the
        /// deadline, sorted.
        #[allow(unused_variables)]
        pub async fn drain(&self, grace: Duration) -> Result<(), Vec<String>> {
            todo!()
        }
    }

    impl Default for InFlight {
        fn default() -> InFlight {
            InFlight::new()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;
    use tokio::sync::watch;
    use tokio::time::timeout;

    /// The requests a server is working on. Clones share one registry.
    #[derive(Clone)]
    pub struct InFlight {
        // The names of the requests in flight, keyed by a number unique to
        // each request. A watch channel, so that `drain` wakes up whenever
        // the map changes and can check whether it is empty.
        requests: watch::Sender<BTreeMap<u64, String>>,
        next_id: Arc<AtomicU64>,
    }

    /// Proof that a request is in flight. Dropping it, however that
    /// happens, ends the request.
    pub struct Guard {
        requests: watch::Sender<BTreeMap<u64, String>>,
        id: u64,
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            // `send_modify` works with no receiver at all, where `send`
            // would fail and change nothing.
            self.requests.send_modify(|requests| {
                requests.remove(&self.id);
            });
        }
    }

    impl InFlight {
        pub fn new() -> InFlight {
            InFlight {
                requests: watch::Sender::new(BTreeMap::new()),
                next_id: Arc::new(AtomicU64::new(0)),
            }
        }

        /// Records that the request `name` has started. Two requests may
        /// have the same name; each counts on its own.
        pub fn start(&self, name: &str) -> Guard {
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            self.requests.send_modify(|requests| {
                requests.insert(id, name.to_string());
            });
            Guard {
                requests: self.requests.clone(),
                id,
            }
        }

        /// How many requests are in flight.
        pub fn count(&self) -> usize {
            self.requests.borrow().len()
        }

        /// Waits until no request is in flight, for at most `grace`. Returns
        /// `Err` with the names of the requests still in flight at the
        /// deadline, sorted.
        pub async fn drain(&self, grace: Duration) -> Result<(), Vec<String>> {
            let mut changes = self.requests.subscribe();
            // `wait_for` checks the current value first, then every change.
            // It fails only when the sender is gone, and we hold one.
            let empty = changes.wait_for(|requests| requests.is_empty());
            match timeout(grace, empty).await {
                Ok(_) => Ok(()),
                Err(_) => {
                    let mut left: Vec<String> =
                        self.requests.borrow().values().cloned().collect();
                    left.sort();
                    Err(left)
                }
            }
        }
    }

    impl Default for InFlight {
        fn default() -> InFlight {
            InFlight::new()
        }
    }
}
// ANCHOR_END: solution

#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    /// Spawns a request that is in flight for `time`.
    fn request(
        in_flight: &InFlight,
        name: &str,
        time: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let guard = in_flight.start(name);
        tokio::spawn(async move {
            sleep(time).await;
            drop(guard);
        })
    }

    #[tokio::test(start_paused = true)]
    async fn with_nothing_in_flight_drain_returns_at_once() {
        let in_flight = InFlight::new();
        assert_eq!(in_flight.count(), 0);
        let start = Instant::now();
        assert_eq!(in_flight.drain(Duration::from_secs(5)).await, Ok(()));
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn drain_waits_for_the_last_request_and_no_longer() {
        let in_flight = InFlight::new();
        request(&in_flight, "one", Duration::from_secs(1));
        request(&in_flight, "two", Duration::from_secs(2));
        assert_eq!(in_flight.count(), 2);
        let start = Instant::now();
        assert_eq!(in_flight.drain(Duration::from_secs(5)).await, Ok(()));
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert_eq!(in_flight.count(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn at_the_deadline_drain_names_what_was_left_sorted() {
        let in_flight = InFlight::new();
        request(&in_flight, "zeta", Duration::from_secs(10));
        request(&in_flight, "quick", Duration::from_millis(100));
        request(&in_flight, "alpha", Duration::from_secs(10));
        let start = Instant::now();
        let left = in_flight.drain(Duration::from_secs(1)).await;
        assert_eq!(left, Err(vec!["alpha".to_string(), "zeta".to_string()]));
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_whose_task_is_aborted_is_no_longer_in_flight() {
        let in_flight = InFlight::new();
        let stuck = request(&in_flight, "stuck", Duration::from_secs(3600));
        tokio::spawn(async move {
            sleep(Duration::from_secs(1)).await;
            stuck.abort();
        });
        let start = Instant::now();
        assert_eq!(in_flight.drain(Duration::from_secs(5)).await, Ok(()));
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn requests_with_the_same_name_count_separately() {
        let in_flight = InFlight::new();
        let first = in_flight.start("same");
        let _second = in_flight.start("same");
        assert_eq!(in_flight.count(), 2);
        drop(first);
        assert_eq!(in_flight.count(), 1);
        let left = in_flight.drain(Duration::ZERO).await;
        assert_eq!(left, Err(vec!["same".to_string()]));
    }

    #[tokio::test(start_paused = true)]
    async fn clones_share_one_registry() {
        let in_flight = InFlight::new();
        let clone = in_flight.clone();
        let guard = clone.start("from a clone");
        assert_eq!(in_flight.count(), 1);
        drop(guard);
        assert_eq!(in_flight.count(), 0);
        assert_eq!(in_flight.drain(Duration::ZERO).await, Ok(()));
    }
}
