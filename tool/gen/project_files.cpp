// ProjectFiles: path prefixes, compared component by component.
#include "project_files.hpp"

#include "output_files.hpp"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/Path.h>

namespace picocache::gen {
namespace {

std::string normalised(llvm::StringRef path) {
  llvm::SmallString<256> out(absolute_path(path.str()));
  llvm::sys::path::remove_dots(out, /*remove_dot_dot=*/true);
  while (out.size() > 1 && llvm::sys::path::is_separator(out.back())) out.pop_back();
  return std::string(out);
}

// `path` below `root` ("a/b.cpp"), or "" when it is not below it.
std::string below(llvm::StringRef path, llvm::StringRef root) {
  if (!path.starts_with(root)) return "";
  llvm::StringRef rest = path.drop_front(root.size());
  if (rest.empty() || !llvm::sys::path::is_separator(rest.front())) return "";
  return rest.drop_front().str();
}

}  // namespace

ProjectFiles::ProjectFiles(const std::vector<std::string>& roots) {
  for (const std::string& root : roots) {
    if (!root.empty()) roots_.push_back(normalised(root));
  }
}

bool ProjectFiles::contains(llvm::StringRef path) const {
  const std::string file = normalised(path);
  for (const std::string& root : roots_) {
    if (!below(file, root).empty()) return true;
  }
  return false;
}

std::string ProjectFiles::relative_path(llvm::StringRef path) const {
  const std::string file = normalised(path);
  for (const std::string& root : roots_) {
    std::string relative = below(file, root);
    if (!relative.empty()) return relative;
  }
  if (roots_.empty()) return path.str();
  // Outside every root: "../" up to the deepest directory the file shares with the source root.
  llvm::SmallVector<llvm::StringRef, 16> root_parts;
  llvm::SmallVector<llvm::StringRef, 16> file_parts;
  for (auto it = llvm::sys::path::begin(roots_.front()), end = llvm::sys::path::end(roots_.front());
       it != end; ++it) {
    root_parts.push_back(*it);
  }
  for (auto it = llvm::sys::path::begin(file), end = llvm::sys::path::end(file); it != end; ++it) {
    file_parts.push_back(*it);
  }
  std::size_t shared = 0;
  while (shared < root_parts.size() && shared + 1 < file_parts.size() &&
         root_parts[shared] == file_parts[shared]) {
    ++shared;
  }
  if (shared <= 1) return path.str();  // only "/" in common
  llvm::SmallString<256> out;
  for (std::size_t i = shared; i < root_parts.size(); ++i) llvm::sys::path::append(out, "..");
  for (std::size_t i = shared; i < file_parts.size(); ++i)
    llvm::sys::path::append(out, file_parts[i]);
  return std::string(out);
}

}  // namespace picocache::gen
