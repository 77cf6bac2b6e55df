//! Timeline diagrams: a record of when each task starts, waits and finishes on
//! a paused clock, drawn as SVG into `src/images/`.
