// Tasks versus threads: what one waiting task costs, measured against what
// one waiting thread costs.
//
// A task's state is its future: the variables it holds across `.await`, laid
// out in one value whose size the compiler knows. A thread needs a whole stack,
// reserved up front because the kernel cannot know how deep it will grow.

use std::time::Duration;

// ANCHOR: tasks
/// Spawns `count` tasks that each wait one (virtual) second, and returns how
/// many were alive at once. They all share the runtime's thread.
pub async fn spawn_waiting_tasks(count: usize) -> usize {
    let mut handles = Vec::with_capacity(count);
    for _ in 0..count {
        handles.push(tokio::spawn(tokio::time::sleep(Duration::from_secs(1))));
    }
    let alive = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    for handle in handles {
        handle.await.expect("a sleeping task does not panic");
    }
    alive
}

/// The size in bytes of one waiting task's state: a future that keeps a small
/// buffer across an `.await`, as a connection handler would.
pub fn bytes_per_task() -> usize {
    let task = async {
        let buffer = [0u8; 64];
        tokio::time::sleep(Duration::from_secs(1)).await;
        buffer.len()
    };
    std::mem::size_of_val(&task)
}
// ANCHOR_END: tasks

// ANCHOR: threads
/// How much address space one parked thread adds to the process, measured on
/// Linux by spawning a batch of threads and reading `VmSize` before and after.
/// Returns `None` on other systems.
pub fn bytes_per_thread() -> Option<usize> {
    const THREADS: usize = 32;
    let before = virtual_memory_bytes()?;
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(THREADS + 1));
    let release = std::sync::Arc::new(std::sync::Barrier::new(THREADS + 1));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (barrier, release) = (barrier.clone(), release.clone());
            std::thread::spawn(move || {
                barrier.wait(); // every thread exists now
                release.wait(); // stay alive until measured
            })
        })
        .collect();
    barrier.wait();
    let during = virtual_memory_bytes()?;
    release.wait();
    for thread in threads {
        thread.join().expect("a parked thread does not panic");
    }
    Some(during.saturating_sub(before) / THREADS)
}

/// The process's virtual memory size, from `/proc/self/status`.
fn virtual_memory_bytes() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmSize:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
// ANCHOR_END: threads

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let alive = spawn_waiting_tasks(10_000).await;
    println!("{alive} tasks waited at the same time on one thread");
    let task = bytes_per_task();
    println!("one waiting task's state: under 1 KiB: {}", task < 1024);
    match bytes_per_thread() {
        Some(thread) => {
            println!("one parked thread: over 1 MiB: {}", thread > 1024 * 1024);
            println!(
                "a thread costs over 1000 times a task: {}",
                thread / task > 1000
            );
        }
        None => println!("(threads are measured on Linux only)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn ten_thousand_tasks_wait_at_once_on_one_thread() {
        let start = tokio::time::Instant::now();
        assert_eq!(spawn_waiting_tasks(10_000).await, 10_000);
        // They all waited together: one second in all, not ten thousand.
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[test]
    fn a_task_is_small_and_grows_with_what_it_holds() {
        let task = bytes_per_task();
        assert!(task >= 64, "the buffer lives in the task: {task}");
        assert!(task < 1024, "{task} bytes");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_thread_reserves_megabytes() {
        let thread = bytes_per_thread().expect("Linux has /proc/self/status");
        assert!(thread > 1024 * 1024, "{thread} bytes");
        assert!(thread / bytes_per_task() > 1000);
    }
}
