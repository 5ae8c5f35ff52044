// PICOCACHE_COLD marks a function that runs only when something went wrong, to build a failure's
// message: the compiler keeps it out of line, so the hot reads that call it stay small enough to
// be inlined into every codec (a tier hit of a 64-byte string spent a quarter of its time in
// out-of-line decoder calls before, measured with perf).
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define PICOCACHE_COLD __attribute__((cold, noinline))
#else
#define PICOCACHE_COLD
#endif
