// Tasks versus threads: what one waiting task costs, measured against what
// one waiting thread reserves.
//
// A task's state is its future: the variables it holds across `.await`, laid
// out in one value whose size the compiler knows. Tokio puts that future on
// the heap with a little bookkeeping of its own. A thread needs a whole
// stack, reserved up front because nobody knows how deep its calls will go.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

// ANCHOR: tasks
/// One waiting task, as a connection handler would be: it holds a 64-byte
/// buffer across a one-second (virtual) wait.
async fn waiting_task(waiting: Arc<AtomicUsize>) {
    let buffer = [0u8; 64];
    waiting.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(1)).await;
    waiting.fetch_sub(1, Ordering::SeqCst);
    std::hint::black_box(buffer);
}

/// What `count` waiting tasks cost, measured while all of them wait.
#[derive(Debug)]
pub struct TaskCost {
    /// How many tasks were waiting at the same time.
    pub waiting_at_once: usize,
    /// The size of one task's future.
    pub future_bytes: usize,
    /// Heap bytes allocated per task: its future, Tokio's bookkeeping for
    /// it, and its share of the run queue.
    pub heap_bytes_per_task: usize,
}

/// Spawns `count` waiting tasks and measures them. Run it on a
/// current-thread runtime: the heap is counted on this thread only.
pub async fn spawn_waiting_tasks(count: usize) -> TaskCost {
    let waiting = Arc::new(AtomicUsize::new(0));
    let future_bytes = std::mem::size_of_val(&waiting_task(waiting.clone()));
    let mut handles = Vec::with_capacity(count);

    let heap_before = heap_bytes_on_this_thread();
    for _ in 0..count {
        handles.push(tokio::spawn(waiting_task(waiting.clone())));
    }
    // Wait a moment ourselves: the runtime polls every spawned task (each
    // one runs up to its `sleep`) before it lets the clock move on.
    tokio::time::sleep(Duration::from_millis(1)).await;
    let heap_bytes = (heap_bytes_on_this_thread() - heap_before) as usize;
    let waiting_at_once = waiting.load(Ordering::SeqCst);

    for handle in handles {
        handle.await.expect("a waiting task does not panic");
    }
    TaskCost {
        waiting_at_once,
        future_bytes,
        heap_bytes_per_task: heap_bytes / count,
    }
}
// ANCHOR_END: tasks

// ANCHOR: threads
/// The address space one thread reserves for its stack, read on Linux from
/// `/proc/self/maps`: a new thread finds the mapping that holds one of its
/// own local variables. `None` on other systems.
pub fn stack_bytes_per_thread() -> Option<usize> {
    std::thread::spawn(|| {
        let local = 0u8;
        let address = std::hint::black_box(&local) as *const u8 as usize;
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        maps.lines().find_map(|line| {
            // Each line starts with the mapping's range: `start-end` in hex.
            let (start, end) = line.split_whitespace().next()?.split_once('-')?;
            let start = usize::from_str_radix(start, 16).ok()?;
            let end = usize::from_str_radix(end, 16).ok()?;
            (start..end).contains(&address).then_some(end - start)
        })
    })
    .join()
    .expect("the measuring thread does not panic")
}
// ANCHOR_END: threads

// Counting the heap. The global allocator below is the system's, with one
// addition: each thread keeps a running total of the bytes it has allocated
// and not freed. A per-thread total is not disturbed by other threads (other
// tests, the runtime's helpers), and on a current-thread runtime every
// allocation of a spawned task happens on the thread that runs it.

thread_local! {
    // `const` and no destructor: using it never allocates, so the
    // allocator itself may use it.
    static HEAP_BYTES: Cell<isize> = const { Cell::new(0) };
}

fn count(bytes: isize) {
    // `try_with` never fails for a `const` thread-local without a destructor.
    let _ = HEAP_BYTES.try_with(|total| total.set(total.get() + bytes));
}

/// The bytes this thread has allocated, less those it has freed, since it
/// started. Only differences mean something: a thread may free memory that
/// another one allocated.
fn heap_bytes_on_this_thread() -> isize {
    HEAP_BYTES.with(Cell::get)
}

struct CountingAllocator;

// SAFETY: every call is passed to `System` unchanged; only a count is kept.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            count(layout.size() as isize);
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            count(layout.size() as isize);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(
        &self,
        pointer: *mut u8,
        layout: Layout,
        size: usize,
    ) -> *mut u8 {
        let new = unsafe { System.realloc(pointer, layout, size) };
        if !new.is_null() {
            count(size as isize - layout.size() as isize);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let tasks = spawn_waiting_tasks(10_000).await;
    println!(
        "{} tasks waited at the same time, on one thread",
        tasks.waiting_at_once
    );
    println!("one waiting task's future: {} bytes", tasks.future_bytes);
    println!(
        "one waiting task in all:   {} bytes of heap",
        tasks.heap_bytes_per_task
    );
    match stack_bytes_per_thread() {
        Some(stack) => {
            let mib = stack as f64 / (1024.0 * 1024.0);
            println!("one thread's stack:        {mib:.1} MiB of address space");
        }
        None => println!("(thread stacks are measured on Linux only)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn ten_thousand_tasks_wait_at_once_on_one_thread() {
        let start = tokio::time::Instant::now();
        let tasks = spawn_waiting_tasks(10_000).await;
        assert_eq!(tasks.waiting_at_once, 10_000);
        // They all waited together: one second in all, not ten thousand.
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_costs_its_future_and_a_few_hundred_bytes_more() {
        let tasks = spawn_waiting_tasks(1_000).await;
        // The 64-byte buffer lives in the future, and the future in the task.
        assert!(tasks.future_bytes >= 64, "{tasks:?}");
        assert!(tasks.heap_bytes_per_task > tasks.future_bytes, "{tasks:?}");
        assert!(tasks.heap_bytes_per_task < 1024, "{tasks:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_heap_count_sees_what_a_task_holds() {
        // A task that holds a 4 KiB buffer costs 4 KiB more.
        let small = spawn_waiting_tasks(100).await.heap_bytes_per_task;
        let start = heap_bytes_on_this_thread();
        let big = tokio::spawn(async {
            let buffer = [1u8; 4096];
            tokio::time::sleep(Duration::from_secs(1)).await;
            std::hint::black_box(buffer);
        });
        let held = (heap_bytes_on_this_thread() - start) as usize;
        assert!(held >= small + 4096 - 256, "small: {small}, big: {held}");
        big.await.unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_thread_reserves_megabytes_of_stack() {
        let stack = stack_bytes_per_thread().expect("Linux has /proc/self/maps");
        // Rust's default is 2 MiB (the `RUST_MIN_STACK` variable changes it).
        assert!(stack >= 2 * 1024 * 1024, "{stack} bytes");
        assert!(stack < 64 * 1024 * 1024, "{stack} bytes");
    }
}
