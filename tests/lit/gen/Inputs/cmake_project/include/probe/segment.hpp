// The record both unity sources cache functions of.
#pragma once

struct Segment {
  int from = 0;
  int to = 0;
};

int segment_length(int from, int to);
int segment_twice(int from, int to);
