// Exercise: count the bytes of a reader with a 64 KiB buffer, in a future that
// stays under 1 KiB.

#[allow(dead_code)]
fn main() {}

// ANCHOR: attempt
pub mod attempt {
    use tokio::io::AsyncRead;

    /// Reads `reader` to its end, 64 KiB at a time, and returns how many
    /// bytes it held. The returned future must be smaller than 1 KiB.
    pub async fn count_bytes(
        reader: impl AsyncRead + Unpin,
    ) -> std::io::Result<usize> {
        let _ = reader;
        todo!()
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use tokio::io::{AsyncRead, AsyncReadExt};

    pub async fn count_bytes(
        mut reader: impl AsyncRead + Unpin,
    ) -> std::io::Result<usize> {
        // The buffer lives on the heap: the future stores only the `Vec`.
        let mut buffer = vec![0u8; 64 * 1024];
        let mut total = 0;
        loop {
            match reader.read(&mut buffer).await? {
                0 => return Ok(total),
                n => total += n,
            }
        }
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    #[tokio::test]
    async fn counts_every_byte_of_a_long_input() {
        let input = vec![7u8; 200_000];
        assert_eq!(count_bytes(&input[..]).await.unwrap(), 200_000);
    }

    #[tokio::test]
    async fn counts_an_empty_input_as_zero() {
        assert_eq!(count_bytes(&b""[..]).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn its_future_is_under_one_kib_and_still_counts() {
        let input = vec![1u8; 70_000];
        let future = count_bytes(&input[..]);
        let size = std::mem::size_of_val(&future);
        assert!(size < 1024, "the future is {size} bytes");
        assert_eq!(future.await.unwrap(), 70_000);
    }

    #[tokio::test]
    async fn counts_a_closed_stream_as_empty() {
        let (client, server) = tokio::io::duplex(16);
        drop(server);
        // A closed duplex reads as end of input, not an error.
        assert_eq!(count_bytes(client).await.unwrap(), 0);
    }
}
