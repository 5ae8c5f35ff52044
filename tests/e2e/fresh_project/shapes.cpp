// Cached functions that tests/e2e/run_e2e_fresh.sh edits with sed between builds. Each body says
// on stderr that it ran.
#include "shapes.hpp"

#include "scale.hpp"

#include <cstdio>

[[picocache::cached(maxsize = none)]]
int area(int w, int h) {
  std::fprintf(stderr, "body: area(%d, %d)\n", w, h);
  return w * h;  // EDIT-AREA
}

[[picocache::cached(maxsize = none)]]
int perimeter(int w, int h) {
  // EDIT-COMMENT: a comment the test rewrites.
  std::fprintf(stderr, "body: perimeter(%d, %d)\n", w, h);
  return scale(2 * (w + h)) / 10;
}

[[picocache::cached(maxsize = none, version = "1")]]
int volume(int w) {
  std::fprintf(stderr, "body: volume(%d)\n", w);
  return w * w * w;  // EDIT-VOLUME
}
