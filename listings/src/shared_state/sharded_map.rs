// Mutex sharding: one lock per shard of a map instead of one for the whole
// map, so tasks working on different keys rarely wait for each other.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::Mutex;

// ANCHOR: sharded
pub struct ShardedMap<K, V> {
    shards: Vec<Mutex<HashMap<K, V>>>,
    hasher: RandomState,
}

impl<K: Hash + Eq, V: Clone> ShardedMap<K, V> {
    pub fn new(shard_count: usize) -> Self {
        assert!(shard_count > 0, "a map needs at least one shard");
        ShardedMap {
            shards: (0..shard_count)
                .map(|_| Mutex::new(HashMap::new()))
                .collect(),
            hasher: RandomState::new(),
        }
    }

    /// The one shard that can hold `key`: the same key always maps to the
    /// same shard, and different keys spread over all of them.
    fn shard(&self, key: &K) -> &Mutex<HashMap<K, V>> {
        let index = self.hasher.hash_one(key) as usize % self.shards.len();
        &self.shards[index]
    }

    pub fn insert(&self, key: K, value: V) -> Option<V> {
        self.shard(&key).lock().unwrap().insert(key, value)
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.shard(key).lock().unwrap().get(key).cloned()
    }

    /// Updates a value in place; only `key`'s shard is locked meanwhile.
    pub fn update(&self, key: K, default: V, change: impl FnOnce(&mut V)) {
        let mut shard = self.shard(&key).lock().unwrap();
        change(shard.entry(key).or_insert(default));
    }

    /// Locks each shard in turn, so the total is not one atomic snapshot.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| shard.lock().unwrap().len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
// ANCHOR_END: sharded

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writers_lose_nothing() {
        let map = Arc::new(ShardedMap::new(8));
        let tasks: Vec<_> = (0..8u64)
            .map(|task| {
                let map = map.clone();
                tokio::spawn(async move {
                    for i in 0..256 {
                        // Each task inserts its own keys...
                        map.insert(task * 1000 + i, i);
                        // ...and all of them bump the same few counters.
                        map.update(i % 4 + 1_000_000, 0, |n| *n += 1);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(map.len(), 8 * 256 + 4);
        assert_eq!(map.get(&7255), Some(255));
        for counter in 1_000_000..1_000_004 {
            assert_eq!(map.get(&counter), Some(8 * 256 / 4));
        }
        assert_eq!(map.get(&42_000), None);
    }

    #[test]
    fn keys_spread_over_every_shard() {
        let map = ShardedMap::new(8);
        for key in 0..1000 {
            map.insert(key, ());
        }
        // With 1000 keys an empty shard is astronomically unlikely.
        assert!(
            map.shards
                .iter()
                .all(|shard| !shard.lock().unwrap().is_empty())
        );
        assert!(!map.is_empty());
    }
}
