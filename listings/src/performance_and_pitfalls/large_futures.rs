// How big a future is when it keeps a buffer across an `.await`, how nesting
// adds it up, and two fixes: a `Vec` or a boxed inner future.

// ANCHOR: sizes
/// Fills a buffer after a pause, as a read into it would.
pub async fn fill(buffer: &mut [u8]) {
    tokio::task::yield_now().await;
    buffer.fill(1);
}

/// The 16 KiB array is borrowed across the `.await`, so it lives in the future.
pub async fn array_buffer() -> u8 {
    let mut buffer = [0u8; 16 * 1024];
    fill(&mut buffer).await;
    buffer[0]
}

/// A caller stores its callee's future: the array is inside this one too.
pub async fn caller_of_array_buffer() -> u8 {
    array_buffer().await + 1
}

/// `Box::pin` moves the callee's future to the heap; the caller keeps a pointer.
pub async fn caller_of_boxed_buffer() -> u8 {
    Box::pin(array_buffer()).await + 1
}

/// A `Vec` keeps its bytes on the heap; the future stores 24 bytes for it.
pub async fn vec_buffer() -> u8 {
    let mut buffer = vec![0u8; 16 * 1024];
    fill(&mut buffer).await;
    buffer[0]
}
// ANCHOR_END: sizes

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    use std::mem::size_of_val;
    println!(
        "array_buffer:           {} bytes",
        size_of_val(&array_buffer())
    );
    println!(
        "caller_of_array_buffer: {} bytes",
        size_of_val(&caller_of_array_buffer())
    );
    println!(
        "caller_of_boxed_buffer: {} bytes",
        size_of_val(&caller_of_boxed_buffer())
    );
    println!(
        "vec_buffer:             {} bytes",
        size_of_val(&vec_buffer())
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of_val;

    #[test]
    fn a_buffer_held_across_await_is_inside_the_future_and_its_callers() {
        assert!(size_of_val(&array_buffer()) >= 16 * 1024);
        assert!(size_of_val(&caller_of_array_buffer()) >= 16 * 1024);
    }

    #[test]
    fn boxing_or_a_vec_keeps_the_future_small() {
        assert!(size_of_val(&caller_of_boxed_buffer()) < 64);
        assert!(size_of_val(&vec_buffer()) < 128);
    }

    #[tokio::test]
    async fn every_version_computes_the_same() {
        assert_eq!(array_buffer().await, 1);
        assert_eq!(caller_of_array_buffer().await, 2);
        assert_eq!(caller_of_boxed_buffer().await, 2);
        assert_eq!(vec_buffer().await, 1);
    }
}
