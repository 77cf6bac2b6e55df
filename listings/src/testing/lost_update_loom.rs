// A loom model of a hand-written counter: loom runs every interleaving of the
// threads, so the lost update shows up on every run, not one run in a
// thousand.
//
// This module uses loom's own types directly, so it runs under a plain
// `cargo test`; projects usually swap std for loom behind `--cfg loom`.

#[cfg(test)]
mod tests {
    use loom::sync::Arc;
    use loom::sync::atomic::{AtomicUsize, Ordering};
    use loom::thread;

    // ANCHOR: model
    /// Two threads each add one. `add` is the code under test.
    fn two_increments(add: fn(&AtomicUsize)) {
        loom::model(move || {
            let count = Arc::new(AtomicUsize::new(0));
            let other = count.clone();
            let t = thread::spawn(move || add(&other));
            add(&count);
            t.join().unwrap();
            assert_eq!(count.load(Ordering::SeqCst), 2, "an update was lost");
        });
    }

    // Read, then write: another thread's write between the two is lost.
    #[test]
    #[should_panic(expected = "an update was lost")]
    fn loom_finds_the_lost_update() {
        two_increments(|n| {
            let seen = n.load(Ordering::SeqCst);
            n.store(seen + 1, Ordering::SeqCst);
        });
    }

    // One atomic read-modify-write: no interleaving loses anything.
    #[test]
    fn loom_passes_fetch_add() {
        two_increments(|n| {
            n.fetch_add(1, Ordering::SeqCst);
        });
    }
    // ANCHOR_END: model
}
