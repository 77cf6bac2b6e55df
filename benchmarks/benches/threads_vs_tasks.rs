//! The same job done by `n` OS threads and by `n` tokio tasks, for several `n`.
//!
//! Two jobs: CPU work split into `n` pieces (the total stays the same, so a
//! faster run can only come from overhead or parallelism), and `n` waits of
//! 1 ms each, a stand-in for `n` requests waiting on I/O.
//!
//! Run with `cargo bench -p benchmarks`. The performance chapter shows a run.

use std::hint::black_box;
use std::sync::LazyLock;
use std::time::Duration;

use tokio::runtime::Runtime;

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[1, 10, 100, 1000];

/// One multi-thread runtime for every task benchmark, with tokio's default
/// number of workers (one per core), built once so that building it is not
/// measured.
static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
});

/// Work that only computes (the same xorshift loop as the chapter's).
fn crunch(rounds: u64) -> u64 {
    let mut x = rounds | 1;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = black_box(x);
    }
    x
}

/// Rounds in all, shared out between the `n` threads or tasks.
const TOTAL_ROUNDS: u64 = 1 << 23;

mod cpu {
    use super::*;

    #[divan::bench(args = SIZES, sample_count = 100, sample_size = 1)]
    fn threads(n: usize) {
        let rounds = TOTAL_ROUNDS / n as u64;
        std::thread::scope(|scope| {
            for _ in 0..n {
                scope.spawn(move || black_box(crunch(rounds)));
            }
        });
    }

    #[divan::bench(args = SIZES, sample_count = 100, sample_size = 1)]
    fn tasks(n: usize) {
        let rounds = TOTAL_ROUNDS / n as u64;
        RUNTIME.block_on(async {
            let handles: Vec<_> = (0..n)
                .map(|_| tokio::spawn(async move { black_box(crunch(rounds)) }))
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        });
    }
}

mod wait {
    use super::*;

    const WAIT: Duration = Duration::from_millis(1);

    #[divan::bench(args = SIZES, sample_count = 100, sample_size = 1)]
    fn threads(n: usize) {
        std::thread::scope(|scope| {
            for _ in 0..n {
                scope.spawn(|| std::thread::sleep(WAIT));
            }
        });
    }

    #[divan::bench(args = SIZES, sample_count = 100, sample_size = 1)]
    fn tasks(n: usize) {
        RUNTIME.block_on(async {
            let handles: Vec<_> = (0..n)
                .map(|_| tokio::spawn(tokio::time::sleep(WAIT)))
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        });
    }
}
