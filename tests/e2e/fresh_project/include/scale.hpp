// An inline helper in a project header: its edits change the results of the cached functions
// that call it, so they must invalidate them.
#pragma once

inline int scale(int x) { return x * 10; }  // EDIT-SCALE
