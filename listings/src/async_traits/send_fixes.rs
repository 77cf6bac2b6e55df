// Three ways to spawn the future of a trait method: promise `Send` in the
// trait, let `trait_variant` write the promise, or call a concrete type.

// ANCHOR: in_the_trait
/// Fix 1: the trait promises that every implementation's future is `Send`.
pub mod in_the_trait {
    use std::future::Future;
    use std::time::Duration;

    pub trait Names {
        // What `async fn` desugars to, plus the `+ Send` it cannot say.
        fn name_of(&self, id: u64) -> impl Future<Output = Option<String>> + Send;
    }

    pub struct Remote;

    impl Names for Remote {
        // Implementations still write `async fn`; the compiler checks here
        // that this body's future is `Send`, and rejects it if not.
        async fn name_of(&self, id: u64) -> Option<String> {
            tokio::time::sleep(Duration::from_millis(10)).await;
            (id == 1).then(|| "ada".to_string())
        }
    }

    /// Generic code may now spawn the method's future.
    pub async fn name_in_background<N>(names: N, id: u64) -> Option<String>
    where
        N: Names + Send + 'static,
    {
        let task = tokio::spawn(async move { names.name_of(id).await });
        task.await.unwrap()
    }
}
// ANCHOR_END: in_the_trait

// ANCHOR: trait_variant
/// Fix 2: write the trait with `async fn` and let `trait_variant` make a
/// second trait, `Names`, in which every future is `Send`.
pub mod with_trait_variant {
    use std::time::Duration;

    #[trait_variant::make(Names: Send)]
    pub trait LocalNames {
        async fn name_of(&self, id: u64) -> Option<String>;
    }

    pub struct Remote;

    // Implement the `Send` variant; a blanket impl makes every `Names` a
    // `LocalNames` too, so code written for either accepts `Remote`.
    impl Names for Remote {
        async fn name_of(&self, id: u64) -> Option<String> {
            tokio::time::sleep(Duration::from_millis(10)).await;
            (id == 1).then(|| "ada".to_string())
        }
    }

    pub async fn name_in_background<N>(names: N, id: u64) -> Option<String>
    where
        N: Names + Send + 'static,
    {
        let task = tokio::spawn(async move { names.name_of(id).await });
        task.await.unwrap()
    }
}
// ANCHOR_END: trait_variant

// ANCHOR: concrete
/// Fix 3, at the use site: with a concrete type, the compiler sees the real
/// future and knows whether it is `Send`. No promise in the trait is needed.
pub mod concrete_type {
    use std::time::Duration;

    #[allow(async_fn_in_trait)]
    pub trait Names {
        async fn name_of(&self, id: u64) -> Option<String>;
    }

    pub struct Remote;

    impl Names for Remote {
        async fn name_of(&self, id: u64) -> Option<String> {
            tokio::time::sleep(Duration::from_millis(10)).await;
            (id == 1).then(|| "ada".to_string())
        }
    }

    // Not generic: `Remote::name_of`'s future is known, and it is `Send`.
    pub async fn name_in_background(names: Remote, id: u64) -> Option<String> {
        let task = tokio::spawn(async move { names.name_of(id).await });
        task.await.unwrap()
    }
}
// ANCHOR_END: concrete

#[cfg(test)]
mod tests {
    use super::*;

    // Multi-thread runtime: the spawned futures really may change threads.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_fix_spawns_the_lookup() {
        use in_the_trait::Remote as R1;
        use with_trait_variant::Remote as R2;
        assert_eq!(
            in_the_trait::name_in_background(R1, 1).await.as_deref(),
            Some("ada")
        );
        assert_eq!(with_trait_variant::name_in_background(R2, 2).await, None);
        assert_eq!(
            concrete_type::name_in_background(concrete_type::Remote, 1)
                .await
                .as_deref(),
            Some("ada")
        );
    }

    // The blanket impl: a `Names` type is usable where a `LocalNames` is
    // asked for.
    async fn through_the_local_trait<N: with_trait_variant::LocalNames>(
        names: &N,
    ) -> Option<String> {
        names.name_of(1).await
    }

    #[tokio::test]
    async fn the_send_variant_is_also_the_local_trait() {
        let remote = with_trait_variant::Remote;
        assert_eq!(
            through_the_local_trait(&remote).await.as_deref(),
            Some("ada")
        );
    }
}
