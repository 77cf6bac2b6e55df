//! Reading a screenshot of a diagram: what colour it mostly is (the
//! background the reader sees), and whether its lettering stands out from it.

use crate::colour::{Rgba, contrast};

/// A screenshot: opaque pixels, row by row.
pub struct Picture {
    pub width: usize,
    pub pixels: Vec<Rgba>,
}

/// Decodes a PNG screenshot.
pub fn decode(png_bytes: &[u8]) -> Result<Picture, String> {
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
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(step)
        .map(|p| Rgba(p[0].into(), p[1].into(), p[2].into(), 1.0))
        .collect();
    Ok(Picture {
        width: info.width as usize,
        pixels,
    })
}

impl Picture {
    /// The colour most of the picture is: for a diagram, the background the
    /// reader sees behind its bars and text.
    pub fn dominant(&self) -> Rgba {
        // Count colours in buckets of 16 levels a channel, so anti-aliasing
        // and compression noise fall in with the colour they belong to.
        let bucket = |p: &Rgba| {
            ((p.0 as usize) >> 4) << 8
                | ((p.1 as usize) >> 4) << 4
                | (p.2 as usize) >> 4
        };
        let mut counts = vec![0usize; 1 << 12];
        for p in &self.pixels {
            counts[bucket(p)] += 1;
        }
        let top = (0..counts.len()).max_by_key(|&b| counts[b]).unwrap_or(0);
        let members: Vec<&Rgba> =
            self.pixels.iter().filter(|p| bucket(p) == top).collect();
        let n = members.len().max(1) as f64;
        let sum = members
            .iter()
            .fold((0.0, 0.0, 0.0), |s, p| (s.0 + p.0, s.1 + p.1, s.2 + p.2));
        Rgba(sum.0 / n, sum.1 / n, sum.2 / n, 1.0)
    }

    /// The share of the picture that is lettering readable on `background`:
    /// pixels that contrast with it by `ratio` or more and belong to thin
    /// strokes. A stroke of text is at most a few pixels wide and a line of
    /// text at most `max_height` tall; bars, panels and the tall marks at
    /// their ends are wider or taller, so a diagram whose bars show but whose
    /// labels vanish into the page (dark text on a dark theme) scores near 0.
    pub fn lettering(&self, background: Rgba, ratio: f64, max_height: usize) -> f64 {
        let (w, n) = (self.width.max(1), self.pixels.len());
        let h = n / w;
        let ink: Vec<bool> = self
            .pixels
            .iter()
            .map(|&p| contrast(p, background) >= ratio)
            .collect();
        // The length of the run of ink through each pixel, across and down.
        let mut across = vec![0usize; n];
        for y in 0..h {
            run_lengths(&ink, &mut across, (0..w).map(|x| y * w + x));
        }
        let mut down = vec![0usize; n];
        for x in 0..w {
            run_lengths(&ink, &mut down, (0..h).map(|y| y * w + x));
        }
        let strokes =
            (0..n).filter(|&i| ink[i] && across[i] <= 4 && down[i] <= max_height);
        strokes.count() as f64 / n.max(1) as f64
    }
}

/// Writes, for each ink pixel along `line`, the length of its run of ink.
fn run_lengths(ink: &[bool], out: &mut [usize], line: impl Iterator<Item = usize>) {
    let mut run: Vec<usize> = Vec::new();
    for i in line.chain([usize::MAX]) {
        if i != usize::MAX && ink[i] {
            run.push(i);
        } else {
            for &j in &run {
                out[j] = run.len();
            }
            run.clear();
        }
    }
}
