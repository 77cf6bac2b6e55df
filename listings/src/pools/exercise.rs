// Exercise: a deadpool Manager that retires its connections. A connection is
// handed out at most `max_uses` times, a broken one never again, and a pool
// built on it gives up waiting after a set time.

// ANCHOR: attempt
// The starter's parameters are unused until you write the bodies.
#[allow(unused_variables, unused_imports)]
pub mod attempt {
    use std::convert::Infallible;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use deadpool::managed::{self, Metrics, RecycleResult};

    /// A stand-in for a connection: its number, and whether it failed.
    #[derive(Debug)]
    pub struct FakeConn {
        pub id: usize,
        pub broken: bool,
    }

    /// Numbers the connections it creates 1, 2, 3, … in order. Hands each
    /// one out at most `max_uses` times, and a broken one never again.
    #[derive(Debug)]
    pub struct Retiring {
        pub max_uses: usize,
        pub created: AtomicUsize,
    }

    impl managed::Manager for Retiring {
        type Type = FakeConn;
        type Error = Infallible;

        async fn create(&self) -> Result<FakeConn, Infallible> {
            todo!()
        }

        async fn recycle(
            &self,
            conn: &mut FakeConn,
            metrics: &Metrics,
        ) -> RecycleResult<Infallible> {
            todo!()
        }
    }

    pub type Pool = managed::Pool<Retiring>;

    /// A pool of at most `max_size` connections, each handed out at most
    /// `max_uses` times. When all are in use, `get` waits up to `wait`,
    /// then fails with `PoolError::Timeout(TimeoutType::Wait)`.
    pub fn pool(max_uses: usize, max_size: usize, wait: Duration) -> Pool {
        todo!()
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::convert::Infallible;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use deadpool::Runtime;
    use deadpool::managed::{self, Metrics, RecycleError, RecycleResult};

    /// A stand-in for a connection: its number, and whether it failed.
    #[derive(Debug)]
    pub struct FakeConn {
        pub id: usize,
        pub broken: bool,
    }

    /// Numbers the connections it creates 1, 2, 3, … in order. Hands each
    /// one out at most `max_uses` times, and a broken one never again.
    #[derive(Debug)]
    pub struct Retiring {
        pub max_uses: usize,
        pub created: AtomicUsize,
    }

    impl managed::Manager for Retiring {
        type Type = FakeConn;
        type Error = Infallible;

        async fn create(&self) -> Result<FakeConn, Infallible> {
            let id = self.created.fetch_add(1, Ordering::Relaxed) + 1;
            Ok(FakeConn { id, broken: false })
        }

        async fn recycle(
            &self,
            conn: &mut FakeConn,
            metrics: &Metrics,
        ) -> RecycleResult<Infallible> {
            if conn.broken {
                return Err(RecycleError::message("broken"));
            }
            // `recycle_count` counts the recycles that succeeded, so the
            // connection has been handed out once more than that.
            let handed_out = metrics.recycle_count + 1;
            if handed_out >= self.max_uses {
                return Err(RecycleError::message("used up"));
            }
            Ok(())
        }
    }

    pub type Pool = managed::Pool<Retiring>;

    /// A pool of at most `max_size` connections, each handed out at most
    /// `max_uses` times. When all are in use, `get` waits up to `wait`,
    /// then fails with `PoolError::Timeout(TimeoutType::Wait)`.
    pub fn pool(max_uses: usize, max_size: usize, wait: Duration) -> Pool {
        let manager = Retiring {
            max_uses,
            created: AtomicUsize::new(0),
        };
        Pool::builder(manager)
            .max_size(max_size)
            .wait_timeout(Some(wait))
            // Without a runtime, a wait timeout fails `build`.
            .runtime(Runtime::Tokio1)
            .build()
            .expect("a runtime is set, so the timeout is allowed")
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

    use deadpool::managed::{PoolError, TimeoutType};
    use tokio::time::{Instant, timeout};

    const SECOND: Duration = Duration::from_secs(1);
    const NO_HANG: Duration = Duration::from_secs(60);

    async fn ids_of_gets(pool: &Pool, n: usize) -> Vec<usize> {
        let mut ids = Vec::new();
        for _ in 0..n {
            ids.push(timeout(NO_HANG, pool.get()).await.unwrap().unwrap().id);
        }
        ids
    }

    #[tokio::test(start_paused = true)]
    async fn a_connection_is_handed_out_max_uses_times() {
        let pool = pool(3, 2, SECOND);
        assert_eq!(ids_of_gets(&pool, 7).await, [1, 1, 1, 2, 2, 2, 3]);
    }

    #[tokio::test(start_paused = true)]
    async fn max_uses_of_one_means_never_reused() {
        let pool = pool(1, 2, SECOND);
        assert_eq!(ids_of_gets(&pool, 3).await, [1, 2, 3]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_broken_connection_is_never_handed_out_again() {
        let pool = pool(10, 2, SECOND);
        let mut conn = timeout(NO_HANG, pool.get()).await.unwrap().unwrap();
        assert_eq!(conn.id, 1);
        conn.broken = true;
        drop(conn);
        assert_eq!(ids_of_gets(&pool, 2).await, [2, 2]);
    }

    #[tokio::test(start_paused = true)]
    async fn two_in_use_at_once_are_two_connections() {
        let pool = pool(10, 2, SECOND);
        let a = timeout(NO_HANG, pool.get()).await.unwrap().unwrap();
        let b = timeout(NO_HANG, pool.get()).await.unwrap().unwrap();
        assert_eq!((a.id, b.id), (1, 2));
        drop((a, b));
        assert_eq!(pool.status().size, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn an_exhausted_pool_gives_up_after_the_wait() {
        let pool = pool(10, 1, SECOND);
        let _held = timeout(NO_HANG, pool.get()).await.unwrap().unwrap();
        let start = Instant::now();
        let error = timeout(NO_HANG, pool.get()).await.unwrap().unwrap_err();
        assert!(
            matches!(error, PoolError::Timeout(TimeoutType::Wait)),
            "{error:?}"
        );
        assert_eq!(start.elapsed(), SECOND);
    }
}
