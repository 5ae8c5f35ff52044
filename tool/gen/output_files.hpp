// Writing picocache-gen's outputs: whole or not at all.
#pragma once

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>

#include <string>

namespace picocache::gen {

// Writes `contents` to a temporary file next to `path` and renames it over `path`, creating the
// directory if needed. On failure returns false with `error` set and leaves `path` as it was.
bool write_atomically(llvm::StringRef path, llvm::StringRef contents, std::string& error);

// A Make-style depfile: "<target>: <dependency> ...", with spaces, '#' and '$' escaped as
// Make and Ninja read them.
std::string depfile_text(llvm::StringRef target, llvm::ArrayRef<std::string> dependencies);

// `path` made absolute (against the working directory) with "." and ".." removed.
std::string absolute_path(llvm::StringRef path);

}  // namespace picocache::gen
