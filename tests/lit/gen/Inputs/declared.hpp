#pragma once
#include <string>
// Declared (and annotated) here, defined in another source file: nothing to rewrite in a file
// that only includes this header.
[[picocache::cached]] int defined_elsewhere(const std::string& key);
