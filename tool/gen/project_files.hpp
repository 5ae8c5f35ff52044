// Which files belong to the project being built: the directories given with --project-root (the
// target's PROJECT_SOURCE_DIR and PROJECT_BINARY_DIR), or the main file's directory without them.
// The code fingerprint follows only definitions in project files, and a function with internal
// linkage is named after its file's path relative to the project source root.
#pragma once

#include <llvm/ADT/StringRef.h>

#include <string>
#include <vector>

namespace picocache::gen {

class ProjectFiles {
 public:
  // `roots`: directories, the project source root first; made absolute and normalised here.
  explicit ProjectFiles(const std::vector<std::string>& roots);

  // Whether `path` lies under one of the roots (compared after making it absolute).
  bool contains(llvm::StringRef path) const;
  // `path` relative to the first root that contains it ("a/util.cpp"); outside every root,
  // relative to the source root when it shares a prefix with it ("../lib/x.cpp"), else as given.
  std::string relative_path(llvm::StringRef path) const;

 private:
  std::vector<std::string> roots_;  // absolute, no trailing separator, no "." or ".."
};

}  // namespace picocache::gen
