// A stream adapter written by hand: `poll_next`, with pin projection from
// pin-project-lite instead of `unsafe`.

// ANCHOR: numbered
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use tokio_stream::Stream;

pin_project! {
    /// Yields `(1, a), (2, b), ...` for the items `a, b, ...` of `inner`.
    pub struct Numbered<S> {
        // `#[pin]`: the inner stream may be `!Unpin` (a `stream!`, a
        // timer...), so it must stay where it is once we are pinned, and
        // we may only reach it as `Pin<&mut S>`.
        #[pin]
        inner: S,
        // A plain field: we get it as `&mut u64`.
        count: u64,
    }
}

impl<S> Numbered<S> {
    pub fn new(inner: S) -> Self {
        Numbered { inner, count: 0 }
    }
}

impl<S: Stream> Stream for Numbered<S> {
    type Item = (u64, S::Item);

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Self::Item>> {
        // `project` splits `Pin<&mut Self>` into one reference per field.
        let this = self.project();
        // Ask the inner stream. If it returns `Pending`, it has registered
        // `cx`'s waker and will wake our task; we just pass `Pending` on.
        match this.inner.poll_next(cx) {
            Poll::Ready(Some(item)) => {
                *this.count += 1;
                Poll::Ready(Some((*this.count, item)))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // One output per input item: the inner stream knows best.
        self.inner.size_hint()
    }
}
// ANCHOR_END: numbered

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::Instant;
    use tokio_stream::StreamExt;

    #[tokio::test]
    async fn numbers_the_items_of_an_unpin_stream() {
        let numbered: Vec<_> = Numbered::new(tokio_stream::iter(["a", "b", "c"]))
            .collect()
            .await;
        assert_eq!(numbered, [(1, "a"), (2, "b"), (3, "c")]);
    }

    #[tokio::test]
    async fn passes_the_size_hint_through() {
        let numbered = Numbered::new(tokio_stream::iter([10, 20]));
        assert_eq!(numbered.size_hint(), (2, Some(2)));
    }

    #[tokio::test(start_paused = true)]
    async fn wraps_a_pending_and_unpin_less_stream() {
        // `stream!` is `!Unpin` and returns `Pending` while it sleeps: the
        // projection and the waker hand-off are both exercised.
        let slow = async_stream::stream! {
            for word in ["x", "y"] {
                tokio::time::sleep(Duration::from_secs(1)).await;
                yield word;
            }
        };
        let start = Instant::now();
        let mut numbered = std::pin::pin!(Numbered::new(slow));
        assert_eq!(numbered.next().await, Some((1, "x")));
        assert_eq!(numbered.next().await, Some((2, "y")));
        assert_eq!(numbered.next().await, None);
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }
}
