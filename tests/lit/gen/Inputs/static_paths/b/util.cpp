// One of two files named util.cpp (tests/lit/gen/static_paths.test), each with a file-local
// `parse` of the same signature.
#include <string>

[[picocache::cached]] static int parse(const std::string& text) { return static_cast<int>(text.size()); }

namespace {
[[picocache::cached]] int hidden(int x) { return x; }
}  // namespace

int use(const std::string& text) { return parse(text) + hidden(1); }
