// What `#[tokio::main]` does: the same runtime built by hand with
// `Builder`, running the same async code.

use tokio::runtime::{Handle, RuntimeFlavor};

/// What a program sees of its runtime.
#[derive(Debug, PartialEq, Eq)]
pub struct RuntimeReport {
    pub flavor: RuntimeFlavor,
    pub workers: usize,
    pub sum_of_squares: u64,
}

// ANCHOR: work
/// The program itself: spawns a few tasks and reports on its runtime.
/// It does not know, or care, how the runtime was built.
async fn run_program() -> RuntimeReport {
    let tasks: Vec<_> = (1..=4u64)
        .map(|n| tokio::spawn(async move { n * n }))
        .collect();
    let mut sum_of_squares = 0;
    for task in tasks {
        sum_of_squares += task.await.expect("task panicked");
    }

    let handle = Handle::current();
    RuntimeReport {
        flavor: handle.runtime_flavor(),
        workers: handle.metrics().num_workers(),
        sum_of_squares,
    }
}
// ANCHOR_END: work

// ANCHOR: with_macro
#[tokio::main]
pub async fn with_macro() -> RuntimeReport {
    run_program().await
}
// ANCHOR_END: with_macro

// ANCHOR: by_hand
pub fn by_hand() -> std::io::Result<RuntimeReport> {
    // What `#[tokio::main]` expands to, give or take error handling.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all() // the I/O and time drivers
        .build()?;
    Ok(runtime.block_on(run_program()))
}
// ANCHOR_END: by_hand

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macro_and_the_builder_give_the_same_runtime() {
        let from_macro = with_macro();
        let from_builder = by_hand().unwrap();
        assert_eq!(from_macro, from_builder);
        assert_eq!(from_macro.flavor, RuntimeFlavor::MultiThread);
        assert_eq!(from_macro.sum_of_squares, 1 + 4 + 9 + 16);
        // One worker per CPU core by default, the same for both.
        assert!(from_macro.workers >= 1);
    }
}
