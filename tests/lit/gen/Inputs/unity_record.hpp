// A record both unity_build.cpp and unity_other.cpp pass to cached functions: each generated file
// carries its codec.
#pragma once

class Segment {
 public:
  Segment() = default;
  Segment(int from, int to) : from_(from), to_(to) {}
  int length() const { return to_ - from_; }

 private:
  int from_ = 0;
  int to_ = 0;
};
