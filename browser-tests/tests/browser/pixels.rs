//! Reading a screenshot: what colour a diagram mostly is, and how much of it
//! stands out from that colour.

use crate::colour::{Rgba, contrast};

/// Decodes a PNG screenshot into opaque pixels.
pub fn decode(png_bytes: &[u8]) -> Result<Vec<Rgba>, String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("screenshot: {e}"))?;
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("screenshot: {e}"))?;
    let step = match (info.color_type, info.bit_depth) {
        (png::ColorType::Rgba, png::BitDepth::Eight) => 4,
        (png::ColorType::Rgb, png::BitDepth::Eight) => 3,
        other => {
            return Err(format!("screenshot in an unexpected format: {other:?}"));
        }
    };
    Ok(buf[..info.buffer_size()]
        .chunks_exact(step)
        .map(|p| Rgba(p[0].into(), p[1].into(), p[2].into(), 1.0))
        .collect())
}

/// The colour most of the picture is: for a diagram, the background the
/// reader sees behind its bars and text.
pub fn dominant(pixels: &[Rgba]) -> Rgba {
    // Count colours in buckets of 16 levels a channel, so anti-aliasing and
    // compression noise fall in with the colour they belong to.
    let bucket = |p: &Rgba| {
        ((p.0 as usize) >> 4) << 8 | ((p.1 as usize) >> 4) << 4 | (p.2 as usize) >> 4
    };
    let mut counts = vec![0usize; 1 << 12];
    for p in pixels {
        counts[bucket(p)] += 1;
    }
    let top = (0..counts.len()).max_by_key(|&b| counts[b]).unwrap_or(0);
    let members: Vec<&Rgba> = pixels.iter().filter(|p| bucket(p) == top).collect();
    let n = members.len().max(1) as f64;
    let sum = members
        .iter()
        .fold((0.0, 0.0, 0.0), |s, p| (s.0 + p.0, s.1 + p.1, s.2 + p.2));
    Rgba(sum.0 / n, sum.1 / n, sum.2 / n, 1.0)
}

/// The share of pixels whose contrast with `against` is at least `ratio`.
pub fn share_contrasting(pixels: &[Rgba], against: Rgba, ratio: f64) -> f64 {
    let n = pixels
        .iter()
        .filter(|&&p| contrast(p, against) >= ratio)
        .count();
    n as f64 / pixels.len().max(1) as f64
}
