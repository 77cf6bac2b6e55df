// RwLock: taking the write lock while your own read guard is alive waits
// forever. Tokio's RwLock is fair: a waiting writer goes first, and it waits
// for every reader, including you.

use std::collections::HashMap;

use tokio::sync::RwLock;

// ANCHOR: deadlock
/// Returns the id for `name`, assigning the next free id on first use.
pub async fn id_for_deadlocks(ids: &RwLock<HashMap<String, u32>>, name: &str) -> u32 {
    let read = ids.read().await;
    if let Some(&id) = read.get(name) {
        return id;
    }
    // BUG: `read` is still alive. The write lock waits until every read
    // guard is dropped, and this task holds one of them.
    let mut write = ids.write().await;
    let next = write.len() as u32;
    *write.entry(name.to_string()).or_insert(next)
}
// ANCHOR_END: deadlock

// ANCHOR: fixed
pub async fn id_for(ids: &RwLock<HashMap<String, u32>>, name: &str) -> u32 {
    // The fast path: a read lock, released at the end of the block.
    {
        let read = ids.read().await;
        if let Some(&id) = read.get(name) {
            return id;
        }
    }
    // The slow path. Between the two locks another task may have inserted
    // `name`, so check again under the write lock: `entry` does that.
    let mut write = ids.write().await;
    let next = write.len() as u32;
    *write.entry(name.to_string()).or_insert(next)
}
// ANCHOR_END: fixed

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::time::timeout;

    const LIMIT: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn a_hit_is_fine_but_a_miss_deadlocks() {
        let ids = RwLock::new(HashMap::from([("ada".to_string(), 0)]));
        // A hit returns before the write lock is ever asked for.
        assert_eq!(timeout(LIMIT, id_for_deadlocks(&ids, "ada")).await, Ok(0));
        // A miss asks for the write lock while holding a read lock.
        let outcome = timeout(LIMIT, id_for_deadlocks(&ids, "grace")).await;
        assert!(outcome.is_err(), "the write lock should still be waiting");
    }

    #[tokio::test(start_paused = true)]
    async fn releasing_the_read_lock_first_works() {
        let ids = RwLock::new(HashMap::new());
        assert_eq!(timeout(LIMIT, id_for(&ids, "ada")).await, Ok(0));
        assert_eq!(timeout(LIMIT, id_for(&ids, "grace")).await, Ok(1));
        assert_eq!(timeout(LIMIT, id_for(&ids, "ada")).await, Ok(0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_second_read_waits_behind_a_queued_writer() {
        let lock = Arc::new(RwLock::new(0));
        let first = lock.read().await;
        let writer = tokio::spawn({
            let lock = lock.clone();
            async move { *lock.write().await += 1 }
        });
        // Let the writer run and queue up behind `first`.
        tokio::task::yield_now().await;
        // Fairness: a new reader waits behind the queued writer, which waits
        // for `first`, which this task holds. Another self-deadlock.
        let second = timeout(LIMIT, lock.read()).await;
        assert!(second.is_err());
        drop(first);
        writer.await.unwrap();
        assert_eq!(*lock.read().await, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_callers_agree_on_each_id() {
        let ids = Arc::new(RwLock::new(HashMap::new()));
        let names = ["a", "b", "c", "d"];
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let ids = ids.clone();
                let name = names[i % 4];
                tokio::spawn(async move { (name, id_for(&ids, name).await) })
            })
            .collect();
        for task in tasks {
            let (name, id) = task.await.unwrap();
            assert_eq!(ids.read().await[name], id);
        }
        let mut assigned: Vec<u32> = ids.read().await.values().copied().collect();
        assigned.sort();
        assert_eq!(assigned, [0, 1, 2, 3]);
    }
}
