//! Node.js heap data: timelines, leak verdicts, V8 heap snapshots.
