// A header outside the project roots (an installed library's, say): not part of the fingerprint.
#pragma once

inline int outside(int n) { return n - 1; }
