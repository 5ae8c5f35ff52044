// A record whose layout depends on the flags; the annotation is here, in a header layout.cpp
// includes with <...>.
#pragma once

#include <cstdint>

struct Reading {
  std::int32_t value = 0;
#if defined(FROM_DIRECTORY) && defined(FROM_LIBRARY) && defined(FROM_OPTIONS) && \
    defined(FROM_SHELL) && defined(FROM_SOURCE) && defined(FROM_SOURCE_OPTIONS)
  std::int64_t scale = 1000;
#else
  std::int32_t scale = 1;
#endif
#ifndef NDEBUG
  std::int32_t debug_only = 0;  // absent in Release, which defines NDEBUG
#endif
};

[[picocache::cached]] std::int64_t scaled(Reading reading);
