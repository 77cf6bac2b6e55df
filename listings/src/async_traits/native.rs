// `async fn` in a trait, and the trait the compiler turns it into.

use std::future::Future;
use std::time::Duration;

// ANCHOR: trait
/// Looks up a user's name, somewhere that takes time to answer.
// A public trait with an `async fn` triggers the `async_fn_in_trait` lint,
// explained in the chapter. This listing only uses the trait with concrete
// types, so it allows the lint.
#[allow(async_fn_in_trait)]
pub trait Names {
    async fn name_of(&self, id: u64) -> Option<String>;
}

/// A directory on the other side of a network: every answer takes `latency`.
pub struct Remote {
    pub latency: Duration,
}

impl Names for Remote {
    async fn name_of(&self, id: u64) -> Option<String> {
        tokio::time::sleep(self.latency).await;
        (id == 1).then(|| "ada".to_string())
    }
}

/// Generic code calls the method like any other and awaits the result.
pub async fn greeting<N: Names>(names: &N, id: u64) -> String {
    match names.name_of(id).await {
        Some(name) => format!("hello, {name}"),
        None => format!("who is {id}?"),
    }
}
// ANCHOR_END: trait

// ANCHOR: desugared
/// The trait above as the compiler sees it: an ordinary method that returns
/// "some type that implements `Future`". Each impl picks its own type,
/// which stays anonymous: return-position `impl Trait` in a trait (RPITIT).
pub trait NamesDesugared {
    fn name_of(&self, id: u64) -> impl Future<Output = Option<String>>;
}

impl NamesDesugared for Remote {
    // The two forms are interchangeable: an impl may write `async fn` for a
    // method the trait declares with `-> impl Future`, and the other way round.
    // (Clippy would ask for `async fn` here; this listing shows the long form.)
    #[allow(clippy::manual_async_fn)]
    fn name_of(&self, id: u64) -> impl Future<Output = Option<String>> {
        // The returned future borrows `self`, as the `async fn` did.
        async move {
            tokio::time::sleep(self.latency).await;
            (id == 1).then(|| "ada".to_string())
        }
    }
}
// ANCHOR_END: desugared

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn the_async_method_waits_for_its_latency() {
        let remote = Remote {
            latency: Duration::from_millis(300),
        };
        let start = Instant::now();
        assert_eq!(greeting(&remote, 1).await, "hello, ada");
        assert_eq!(greeting(&remote, 2).await, "who is 2?");
        assert_eq!(start.elapsed(), Duration::from_millis(600));
    }

    #[tokio::test(start_paused = true)]
    async fn the_desugared_trait_behaves_the_same() {
        let remote = Remote {
            latency: Duration::from_millis(300),
        };
        let start = Instant::now();
        assert_eq!(
            NamesDesugared::name_of(&remote, 1).await.as_deref(),
            Some("ada")
        );
        assert_eq!(NamesDesugared::name_of(&remote, 7).await, None);
        assert_eq!(start.elapsed(), Duration::from_millis(600));
    }

    #[test]
    fn calling_the_method_does_not_start_it() {
        // Like any future, the one `name_of` returns does nothing until it
        // is polled: creating it needs no runtime at all.
        let remote = Remote {
            latency: Duration::from_secs(1),
        };
        let future = Names::name_of(&remote, 1);
        drop(future);
    }
}
