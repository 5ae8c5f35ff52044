// A project header: its inline functions and macros are part of the fingerprint of callers.
#pragma once

#define UTIL_STEP 1
#define UTIL_ADD(x) ((x) + UTIL_STEP)

inline int util_twist(int n) { return UTIL_ADD(n); }
