// Clean-up that must happen even when a future is cancelled halfway: put it
// in a `Drop` implementation, because dropping is the one thing a cancelled
// future is guaranteed to get.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::sleep;

/// A fixed number of upload slots, shared by every upload.
#[derive(Clone)]
pub struct Slots {
    free: Arc<Mutex<u32>>,
}

impl Slots {
    pub fn new(count: u32) -> Slots {
        Slots {
            free: Arc::new(Mutex::new(count)),
        }
    }

    pub fn free(&self) -> u32 {
        *self.free.lock().unwrap()
    }

    pub fn take(&self) {
        let mut free = self.free.lock().unwrap();
        assert!(*free > 0, "no free slot");
        *free -= 1;
    }

    pub fn give_back(&self) {
        *self.free.lock().unwrap() += 1;
    }
}

// ANCHOR: leaky
/// Takes a slot, uploads, gives the slot back. Unless it is cancelled: then
/// the line after the `.await` never runs and the slot is lost for good.
pub async fn leaky_upload(slots: &Slots) {
    slots.take();
    sleep(Duration::from_secs(5)).await; // the upload itself
    slots.give_back();
}
// ANCHOR_END: leaky

// ANCHOR: guarded
/// Owning a `SlotGuard` means holding one slot. Dropping it gives the slot
/// back, on every path out of the future, including cancellation.
pub struct SlotGuard {
    slots: Slots,
}

impl SlotGuard {
    pub fn take(slots: &Slots) -> SlotGuard {
        slots.take();
        SlotGuard {
            slots: slots.clone(),
        }
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.slots.give_back();
    }
}

pub async fn guarded_upload(slots: &Slots) {
    let _slot = SlotGuard::take(slots);
    sleep(Duration::from_secs(5)).await; // the upload itself
    // `_slot` is dropped here, or at the `.await` above if we are cancelled.
}
// ANCHOR_END: guarded

// ANCHOR: spawn_in_drop
/// A session that must tell the server when it ends. Telling it is async, and
/// `Drop` cannot `.await`, so `Drop` hands the work to a new task.
pub struct Session {
    id: u32,
    server_log: Arc<Mutex<Vec<String>>>,
}

pub async fn notify_server(id: u32, server_log: Arc<Mutex<Vec<String>>>) {
    sleep(Duration::from_millis(100)).await; // a network round trip
    server_log
        .lock()
        .unwrap()
        .push(format!("session {id} ended"));
}

impl Drop for Session {
    fn drop(&mut self) {
        // `try_current` fails outside a runtime (for example when the value
        // is dropped after the runtime has shut down): then we can only skip.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(notify_server(self.id, self.server_log.clone()));
        }
    }
}
// ANCHOR_END: spawn_in_drop

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    use tokio::time::{Instant, timeout};

    // Each upload takes 5 s; a 1 s timeout cancels it halfway.
    let slots = Slots::new(2);
    let _ = timeout(Duration::from_secs(1), leaky_upload(&slots)).await;
    println!("leaky upload cancelled:   {} of 2 slots free", slots.free());

    let slots = Slots::new(2);
    let _ = timeout(Duration::from_secs(1), guarded_upload(&slots)).await;
    println!("guarded upload cancelled: {} of 2 slots free", slots.free());

    // A session dropped by a timeout: its `Drop` spawns the notification.
    let server_log = Arc::new(Mutex::new(Vec::new()));
    let session = Session {
        id: 7,
        server_log: server_log.clone(),
    };
    let uses_session = async move {
        let _session = session;
        sleep(Duration::from_secs(60)).await;
    };
    let _ = timeout(Duration::from_secs(1), uses_session).await;
    let dropped_at = Instant::now();
    println!(
        "session dropped, server log: {:?}",
        server_log.lock().unwrap()
    );
    sleep(Duration::from_millis(200)).await;
    println!(
        "{:?} later, server log: {:?}",
        dropped_at.elapsed(),
        server_log.lock().unwrap()
    );
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::timeout;

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_leaky_upload_loses_its_slot() {
        let slots = Slots::new(2);
        let _ = timeout(Duration::from_secs(1), leaky_upload(&slots)).await;
        // The slot was taken and never given back.
        assert_eq!(slots.free(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_finished_leaky_upload_is_fine() {
        let slots = Slots::new(2);
        leaky_upload(&slots).await;
        assert_eq!(slots.free(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_guarded_upload_gives_its_slot_back() {
        let slots = Slots::new(2);
        let _ = timeout(Duration::from_secs(1), guarded_upload(&slots)).await;
        assert_eq!(slots.free(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_guarded_upload_holds_its_slot_while_running() {
        let slots = Slots::new(2);
        let upload = tokio::spawn({
            let slots = slots.clone();
            async move { guarded_upload(&slots).await }
        });
        sleep(Duration::from_secs(1)).await;
        assert_eq!(slots.free(), 1);
        upload.await.unwrap();
        assert_eq!(slots.free(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_session_notifies_the_server_from_a_new_task() {
        let server_log = Arc::new(Mutex::new(Vec::new()));
        let session = Session {
            id: 7,
            server_log: server_log.clone(),
        };
        let uses_session = async move {
            let _session = session;
            sleep(Duration::from_secs(60)).await;
        };
        let _ = timeout(Duration::from_secs(1), uses_session).await;

        // The notification is a task of its own, which nobody awaits: it is
        // still in its 100 ms round trip here...
        sleep(Duration::from_millis(99)).await;
        assert!(server_log.lock().unwrap().is_empty());
        // ...and done here.
        sleep(Duration::from_millis(2)).await;
        assert_eq!(*server_log.lock().unwrap(), ["session 7 ended"]);
    }

    #[test]
    fn a_session_dropped_outside_a_runtime_cannot_notify() {
        let server_log = Arc::new(Mutex::new(Vec::new()));
        drop(Session {
            id: 8,
            server_log: server_log.clone(),
        });
        assert!(server_log.lock().unwrap().is_empty());
    }
}
