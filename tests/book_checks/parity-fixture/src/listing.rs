use std::fmt;
// ANCHOR: shown
fn shown() {}
// ANCHOR: inner
fn inner() {}
// ANCHOR_END: inner
// ANCHOR_END: shown
fn hidden() {}
