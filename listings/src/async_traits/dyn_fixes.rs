// Three ways to put implementations of an async trait behind one type chosen
// at run time: the `async-trait` macro, a boxed future written by hand, and
// `dynosaur`. Each module keeps a list of two different directories.

// ANCHOR: async_trait
pub mod with_async_trait {
    use std::sync::Arc;

    use async_trait::async_trait;

    // The macro rewrites every `async fn` into a method that returns
    // `Pin<Box<dyn Future<Output = ..> + Send + '_>>`, which `dyn` allows.
    #[async_trait]
    pub trait Names: Send + Sync {
        async fn name_of(&self, id: u64) -> Option<String>;
    }

    pub struct Fixed;
    pub struct Numbered;

    // The impls need the attribute too, to box their futures the same way.
    #[async_trait]
    impl Names for Fixed {
        async fn name_of(&self, id: u64) -> Option<String> {
            (id == 1).then(|| "ada".to_string())
        }
    }

    #[async_trait]
    impl Names for Numbered {
        async fn name_of(&self, id: u64) -> Option<String> {
            tokio::task::yield_now().await;
            Some(format!("user {id}"))
        }
    }

    /// Asks every directory, in order, and keeps the first answer.
    pub async fn first_name(
        directories: &[Arc<dyn Names>],
        id: u64,
    ) -> Option<String> {
        for directory in directories {
            if let Some(name) = directory.name_of(id).await {
                return Some(name);
            }
        }
        None
    }
}
// ANCHOR_END: async_trait

// ANCHOR: not_send
pub mod with_async_trait_not_send {
    use std::cell::RefCell;
    use std::rc::Rc;

    use async_trait::async_trait;

    // `?Send` leaves `+ Send` out of the boxed future, for implementations
    // that hold an `Rc` or a `RefCell` across an await. Such futures can
    // still be awaited, or run with `spawn_local`, but not `tokio::spawn`ed.
    #[async_trait(?Send)]
    pub trait Names {
        async fn name_of(&self, id: u64) -> Option<String>;
    }

    /// Remembers every id it was asked about, in a single-threaded `Rc`.
    pub struct Recording {
        pub asked: Rc<RefCell<Vec<u64>>>,
    }

    #[async_trait(?Send)]
    impl Names for Recording {
        async fn name_of(&self, id: u64) -> Option<String> {
            let asked = Rc::clone(&self.asked);
            tokio::task::yield_now().await; // the `Rc` lives across this
            asked.borrow_mut().push(id);
            None
        }
    }
}
// ANCHOR_END: not_send

// ANCHOR: by_hand
pub mod boxed_by_hand {
    use std::sync::Arc;

    use futures::future::BoxFuture;

    // What `async-trait` writes, by hand. `BoxFuture<'a, T>` is the futures
    // crate's name for `Pin<Box<dyn Future<Output = T> + Send + 'a>>`.
    pub trait Names: Send + Sync {
        fn name_of(&self, id: u64) -> BoxFuture<'_, Option<String>>;
    }

    pub struct Fixed;
    pub struct Numbered;

    impl Names for Fixed {
        fn name_of(&self, id: u64) -> BoxFuture<'_, Option<String>> {
            Box::pin(async move { (id == 1).then(|| "ada".to_string()) })
        }
    }

    impl Names for Numbered {
        fn name_of(&self, id: u64) -> BoxFuture<'_, Option<String>> {
            // No future needed? Box a ready one, or change the trait.
            Box::pin(std::future::ready(Some(format!("user {id}"))))
        }
    }

    pub async fn first_name(
        directories: &[Arc<dyn Names>],
        id: u64,
    ) -> Option<String> {
        for directory in directories {
            if let Some(name) = directory.name_of(id).await {
                return Some(name);
            }
        }
        None
    }
}
// ANCHOR_END: by_hand

// ANCHOR: dynosaur
pub mod with_dynosaur {
    use std::future::Future;
    use std::sync::Arc;

    // The trait stays native. `dynosaur` adds a type, `DynNames`, that
    // stands where `dyn Names` cannot: calls through it box the future,
    // calls on a concrete type do not.
    #[dynosaur::dynosaur(pub DynNames = dyn(box) Names)]
    pub trait Names: Send + Sync {
        fn name_of(&self, id: u64) -> impl Future<Output = Option<String>> + Send;
    }

    pub struct Fixed;
    pub struct Numbered;

    impl Names for Fixed {
        async fn name_of(&self, id: u64) -> Option<String> {
            (id == 1).then(|| "ada".to_string())
        }
    }

    impl Names for Numbered {
        async fn name_of(&self, id: u64) -> Option<String> {
            tokio::task::yield_now().await;
            Some(format!("user {id}"))
        }
    }

    /// A list of directories of different types: `DynNames::new_arc` erases
    /// the type, as `Arc::new(..) as Arc<dyn Names>` would.
    pub fn directories() -> Vec<Arc<DynNames<'static>>> {
        vec![DynNames::new_arc(Fixed), DynNames::new_arc(Numbered)]
    }

    pub async fn first_name(
        directories: &[Arc<DynNames<'_>>],
        id: u64,
    ) -> Option<String> {
        for directory in directories {
            if let Some(name) = directory.name_of(id).await {
                return Some(name);
            }
        }
        None
    }
}
// ANCHOR_END: dynosaur

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn async_trait_objects_answer_in_list_order() {
        use with_async_trait::{Fixed, Names, Numbered, first_name};
        let directories: Vec<Arc<dyn Names>> =
            vec![Arc::new(Fixed), Arc::new(Numbered)];
        assert_eq!(first_name(&directories, 1).await.as_deref(), Some("ada"));
        assert_eq!(first_name(&directories, 2).await.as_deref(), Some("user 2"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn async_trait_futures_can_be_spawned() {
        use with_async_trait::{Names, Numbered};
        let directory: Arc<dyn Names> = Arc::new(Numbered);
        let task = tokio::spawn(async move { directory.name_of(5).await });
        assert_eq!(task.await.unwrap().as_deref(), Some("user 5"));
    }

    #[tokio::test]
    async fn a_not_send_implementation_works_behind_dyn() {
        use with_async_trait_not_send::{Names, Recording};
        let asked = Rc::new(RefCell::new(Vec::new()));
        let directory: Box<dyn Names> = Box::new(Recording {
            asked: Rc::clone(&asked),
        });
        assert_eq!(directory.name_of(3).await, None);
        assert_eq!(directory.name_of(4).await, None);
        assert_eq!(*asked.borrow(), [3, 4]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hand_boxed_futures_work_behind_dyn_and_can_be_spawned() {
        use boxed_by_hand::{Fixed, Names, Numbered, first_name};
        let directories: Vec<Arc<dyn Names>> =
            vec![Arc::new(Fixed), Arc::new(Numbered)];
        let task = tokio::spawn(async move { first_name(&directories, 9).await });
        assert_eq!(task.await.unwrap().as_deref(), Some("user 9"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn dynosaur_objects_work_and_can_be_spawned() {
        use with_dynosaur::{directories, first_name};
        assert_eq!(first_name(&directories(), 1).await.as_deref(), Some("ada"));
        let task = tokio::spawn(async move { first_name(&directories(), 7).await });
        assert_eq!(task.await.unwrap().as_deref(), Some("user 7"));
    }

    #[tokio::test]
    async fn dynosaur_keeps_static_calls_native() {
        use with_dynosaur::{Fixed, Names};
        // On a concrete type the call returns the native future: no box.
        let future = Fixed.name_of(1);
        let type_name = std::any::type_name_of_val(&future);
        assert!(!type_name.contains("Box"), "{type_name}");
        assert_eq!(future.await.as_deref(), Some("ada"));
    }
}
