// portable_signatures.cpp's types on i686 Linux: __INT64_TYPE__ (int64_t) is `long long` there,
// `long` has 32 bits; the signatures read as on x86_64 wherever the widths agree.
// CHECK: "total", "int64 (int64, uint64)"
[[picocache::cached]] __INT64_TYPE__ total(__INT64_TYPE__ a, __UINT64_TYPE__ b) {
  return a + static_cast<__INT64_TYPE__>(b);
}
// CHECK: "width", "int32 (int64, uint64)"
[[picocache::cached]] long width(long long a, unsigned long long b) {
  return static_cast<long>(a + static_cast<long long>(b));
}
