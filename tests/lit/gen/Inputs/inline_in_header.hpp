#pragma once
// A cached function defined in a header: picocache-gen rewrites only the source it runs on.
[[picocache::cached]] inline int header_defined(int x) { return x * 3; }
