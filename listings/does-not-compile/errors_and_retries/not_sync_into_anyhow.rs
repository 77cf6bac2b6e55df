use std::cell::Cell;

// An error that counts how often it was reported. `Cell` is `Send`, but
// not `Sync`: two threads may not change it through shared references.
#[derive(Debug, thiserror::Error)]
#[error("the service is unavailable")]
struct Unavailable {
    reported: Cell<u32>,
}

fn check() -> Result<(), Unavailable> {
    Err(Unavailable { reported: Cell::new(0) })
}

fn main() -> anyhow::Result<()> {
    // `?` converts into `anyhow::Error`, which requires `Send + Sync`.
    check()?;
    Ok(())
}
