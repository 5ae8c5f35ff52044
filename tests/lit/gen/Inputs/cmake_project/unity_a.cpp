#include <probe/segment.hpp>

namespace {
[[picocache::cached]] int length(Segment segment) { return segment.to - segment.from; }
}  // namespace

int segment_length(int from, int to) { return length(Segment{from, to}); }
