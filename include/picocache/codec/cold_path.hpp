// PICOCACHE_COLD marks a function that runs only when something went wrong, to build a failure's
// message: the compiler keeps it out of line, so the hot reads that call it stay small enough to
// be inlined into every codec (perf: the decoder was a quarter of a tier hit of a 64-byte string,
// in calls the compiler had left out of line).
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define PICOCACHE_COLD __attribute__((cold, noinline))
#else
#define PICOCACHE_COLD
#endif
