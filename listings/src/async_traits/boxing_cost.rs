// What a boxed future costs: the same lookup, called natively and through
// `async-trait`. The sizes are printed; the chapter counts the allocations.

use std::time::Duration;

use async_trait::async_trait;

#[allow(async_fn_in_trait)]
pub trait Names {
    async fn name_of(&self, id: u64) -> Option<String>;
}

#[async_trait]
pub trait BoxedNames {
    async fn name_of(&self, id: u64) -> Option<String>;
}

/// A directory that waits for the network before it answers.
pub struct Remote;

impl Names for Remote {
    async fn name_of(&self, id: u64) -> Option<String> {
        tokio::time::sleep(Duration::from_millis(10)).await;
        (id == 1).then(|| "ada".to_string())
    }
}

#[async_trait]
impl BoxedNames for Remote {
    async fn name_of(&self, id: u64) -> Option<String> {
        tokio::time::sleep(Duration::from_millis(10)).await;
        (id == 1).then(|| "ada".to_string())
    }
}

/// The sizes of the two futures: (native, async-trait's handle, its heap block).
pub fn sizes() -> (usize, usize, usize) {
    let native = Names::name_of(&Remote, 1);
    let boxed = BoxedNames::name_of(&Remote, 1);
    (
        std::mem::size_of_val(&native),
        std::mem::size_of_val(&boxed),
        // The box points to the same kind of state machine, on the heap.
        std::mem::size_of_val(&*boxed),
    )
}

// ANCHOR: main
pub fn main() {
    let (native, handle, heap) = sizes();
    println!("native future: {native} bytes, kept wherever it is awaited");
    println!(
        "async-trait future: a {handle}-byte pointer to a {heap}-byte heap block"
    );
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boxed_state_machine_is_as_big_as_the_native_one() {
        let (native, handle, heap) = sizes();
        // A box of `dyn Future` is a data pointer and a vtable pointer.
        assert_eq!(handle, 2 * std::mem::size_of::<usize>());
        // A sleeping lookup holds a tokio `Sleep`: far more than a pointer.
        assert!(native > 4 * handle, "native future of {native} bytes");
        // The same body makes the same state machine; only its place moves.
        assert!(heap.abs_diff(native) <= 16, "heap {heap}, native {native}");
    }

    #[tokio::test(start_paused = true)]
    async fn both_give_the_same_answer() {
        assert_eq!(Names::name_of(&Remote, 1).await.as_deref(), Some("ada"));
        assert_eq!(
            BoxedNames::name_of(&Remote, 1).await.as_deref(),
            Some("ada")
        );
    }
}
