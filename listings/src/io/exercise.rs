// Exercise: length-prefixed frames by hand, with `read`, `read_exact` and
// `write_all`: what `LengthDelimitedCodec` does for you.

// ANCHOR: given
/// The largest payload a frame may carry, in bytes.
pub const MAX_FRAME: usize = 1024;
// ANCHOR_END: given

// ANCHOR: attempt
pub mod attempt {
    #[allow(unused_imports)]
    use super::MAX_FRAME;
    #[allow(unused_imports)]
    use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

    /// Writes one frame: the payload's length as a 4-byte big-endian `u32`,
    /// then the payload. A payload longer than `MAX_FRAME` is refused with
    /// `ErrorKind::InvalidInput`, and nothing is written.
    #[allow(unused_variables)]
    pub async fn write_frame<W>(writer: &mut W, payload: &[u8]) -> io::Result<()>
    where
        W: AsyncWrite + Unpin,
    {
        todo!()
    }

    /// Reads one frame and returns its payload.
    ///
    /// - `Ok(None)` if the stream ends cleanly, before the first byte of a frame;
    /// - `ErrorKind::UnexpectedEof` if it ends inside a frame (header or payload);
    /// - `ErrorKind::InvalidData` if the length is above `MAX_FRAME`, as soon as
    ///   the header has arrived: do not wait for the payload or allocate it.
    #[allow(unused_variables)]
    pub async fn read_frame<R>(reader: &mut R) -> io::Result<Option<Vec<u8>>>
    where
        R: AsyncRead + Unpin,
    {
        todo!()
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use super::MAX_FRAME;
    use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

    pub async fn write_frame<W>(writer: &mut W, payload: &[u8]) -> io::Result<()>
    where
        W: AsyncWrite + Unpin,
    {
        if payload.len() > MAX_FRAME {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a frame of {} bytes is over {MAX_FRAME}", payload.len()),
            ));
        }
        // MAX_FRAME fits in a u32, so the cast cannot truncate.
        writer
            .write_all(&(payload.len() as u32).to_be_bytes())
            .await?;
        writer.write_all(payload).await
    }

    pub async fn read_frame<R>(reader: &mut R) -> io::Result<Option<Vec<u8>>>
    where
        R: AsyncRead + Unpin,
    {
        // `read_exact` cannot tell "ended between frames" (fine) from "ended
        // inside the header" (an error), so read the header with `read`.
        let mut header = [0u8; 4];
        let mut filled = 0;
        while filled < header.len() {
            let n = reader.read(&mut header[filled..]).await?;
            if n == 0 {
                if filled == 0 {
                    return Ok(None);
                }
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the stream ended after {filled} bytes of a header"),
                ));
            }
            filled += n;
        }

        let len = u32::from_be_bytes(header) as usize;
        // Check before allocating: the length comes from the peer.
        if len > MAX_FRAME {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a frame of {len} bytes is over {MAX_FRAME}"),
            ));
        }
        let mut payload = vec![0u8; len];
        // Here `read_exact`'s `UnexpectedEof` is exactly the right error.
        reader.read_exact(&mut payload).await?;
        Ok(Some(payload))
    }
}
// ANCHOR_END: solution

// When the chapter shows this file, rustdoc compiles it as a program. With a
// `main` of its own it is not wrapped in one, so `super::` above still reaches
// the items at the top of the file.
#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use super::MAX_FRAME;
    use std::io::ErrorKind;
    use std::time::Duration;
    use tokio::io::{self, AsyncWriteExt};
    use tokio::time::timeout;

    const LIMIT: Duration = Duration::from_secs(5);

    #[tokio::test(start_paused = true)]
    async fn frames_round_trip_through_a_tiny_pipe() {
        // Three bytes at a time: headers and payloads arrive in pieces.
        let (mut writer, mut reader) = io::duplex(3);
        let payloads: Vec<Vec<u8>> = vec![
            b"hello".to_vec(),
            Vec::new(),
            vec![7u8; MAX_FRAME],
            b"bye".to_vec(),
        ];
        let to_send = payloads.clone();
        let sending = tokio::spawn(async move {
            for payload in &to_send {
                write_frame(&mut writer, payload).await.unwrap();
            }
        });
        for expected in &payloads {
            let frame = timeout(LIMIT, read_frame(&mut reader)).await.unwrap();
            assert_eq!(frame.unwrap().as_ref(), Some(expected));
        }
        sending.await.unwrap();
        // The writer is gone: a clean end, between frames.
        let end = timeout(LIMIT, read_frame(&mut reader)).await.unwrap();
        assert_eq!(end.unwrap(), None);
    }

    #[tokio::test]
    async fn the_wire_format_is_a_big_endian_length_then_the_payload() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"abc").await.unwrap();
        assert_eq!(wire, [0, 0, 0, 3, b'a', b'b', b'c']);
    }

    #[tokio::test]
    async fn an_empty_stream_is_a_clean_end() {
        let mut empty: &[u8] = &[];
        assert_eq!(read_frame(&mut empty).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_stream_ending_inside_the_header_is_unexpected_eof() {
        let mut wire: &[u8] = &[0, 0];
        let error = read_frame(&mut wire).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnexpectedEof);
    }

    #[tokio::test]
    async fn a_stream_ending_inside_the_payload_is_unexpected_eof() {
        let mut wire: &[u8] = &[0, 0, 0, 5, b'a', b'b'];
        let error = read_frame(&mut wire).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnexpectedEof);
    }

    #[tokio::test(start_paused = true)]
    async fn an_oversized_length_is_refused_without_waiting_for_the_payload() {
        let (mut writer, mut reader) = io::duplex(64);
        // Claims 4 GiB - 1, sends no payload, and stays connected.
        writer.write_all(&u32::MAX.to_be_bytes()).await.unwrap();
        let read = timeout(LIMIT, read_frame(&mut reader)).await;
        let error = read.expect("no waiting for the payload").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidData);
        drop(writer);
    }

    #[tokio::test]
    async fn a_length_of_exactly_the_maximum_is_accepted() {
        let mut wire = (MAX_FRAME as u32).to_be_bytes().to_vec();
        wire.extend(vec![1u8; MAX_FRAME]);
        let frame = read_frame(&mut &wire[..]).await.unwrap();
        assert_eq!(frame.map(|payload| payload.len()), Some(MAX_FRAME));
    }

    #[tokio::test]
    async fn an_oversized_payload_is_refused_and_nothing_is_written() {
        let mut wire = Vec::new();
        let error = write_frame(&mut wire, &vec![0u8; MAX_FRAME + 1])
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert!(wire.is_empty());
    }

    #[tokio::test]
    async fn the_bytes_after_a_frame_stay_in_the_stream() {
        let mut wire: &[u8] = &[0, 0, 0, 1, b'a', 0, 0, 0, 1, b'b'];
        assert_eq!(read_frame(&mut wire).await.unwrap(), Some(b"a".to_vec()));
        assert_eq!(wire, [0, 0, 0, 1, b'b'], "the next frame is untouched");
    }
}
