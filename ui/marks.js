// Marks when a screen has drawn, for the window benchmark (tests/src/bin/bench_window.rs reads
// them back): `performance.mark('parc:<name>')` once the frame with the new content is painted.
// A mark is a timestamp in the page's own timeline; nothing else reads it.

export function drawn(name) {
  requestAnimationFrame(() => setTimeout(() => performance.mark(`parc:${name}`)));
}
