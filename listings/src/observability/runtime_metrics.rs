// What tokio's stable `RuntimeMetrics` tells without `--cfg tokio_unstable`:
// how many workers, how many tasks are alive, how many wait in the global queue.
use tokio::runtime::Builder;

// ANCHOR: main
pub fn main() {
    let runtime = Builder::new_current_thread().build().unwrap();
    let metrics = runtime.metrics();
    println!("workers: {}", metrics.num_workers());

    // Spawned from outside the runtime, which is not running yet: the tasks
    // wait in the global queue until a worker (here, `block_on`) runs them.
    let tasks: Vec<_> = (0..3).map(|_| runtime.spawn(async {})).collect();
    println!("alive tasks: {}", metrics.num_alive_tasks());
    println!("global queue depth: {}", metrics.global_queue_depth());

    runtime.block_on(async {
        for task in tasks {
            task.await.unwrap();
        }
    });
    println!("after running them:");
    println!("alive tasks: {}", metrics.num_alive_tasks());
    println!("global queue depth: {}", metrics.global_queue_depth());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use tokio::runtime::Builder;

    #[test]
    fn the_counts_are_exact() {
        let runtime = Builder::new_current_thread().build().unwrap();
        let metrics = runtime.metrics();
        assert_eq!(metrics.num_workers(), 1);
        let tasks: Vec<_> = (0..3).map(|_| runtime.spawn(async {})).collect();
        assert_eq!(metrics.num_alive_tasks(), 3);
        assert_eq!(metrics.global_queue_depth(), 3);
        runtime.block_on(async {
            for task in tasks {
                task.await.unwrap();
            }
        });
        assert_eq!(metrics.global_queue_depth(), 0);
        assert_eq!(metrics.num_alive_tasks(), 0);
    }

    #[test]
    fn a_multi_thread_runtime_has_the_workers_it_was_built_with() {
        let runtime = Builder::new_multi_thread()
            .worker_threads(3)
            .build()
            .unwrap();
        assert_eq!(runtime.metrics().num_workers(), 3);
    }
}
