// Atomic output files and depfiles; see output_files.hpp.
#include "output_files.hpp"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

namespace picocache::gen {
namespace {

std::string escape_for_make(llvm::StringRef path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

}  // namespace

bool write_atomically(llvm::StringRef path, llvm::StringRef contents, std::string& error) {
  llvm::StringRef directory = llvm::sys::path::parent_path(path);
  if (!directory.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(directory)) {
      error = "cannot create directory '" + directory.str() + "': " + ec.message();
      return false;
    }
  }
  int fd = -1;
  llvm::SmallString<256> temporary;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%", fd, temporary)) {
    error = "cannot create a temporary file next to '" + path.str() + "': " + ec.message();
    return false;
  }
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << contents;
    out.close();
    if (out.has_error()) {
      error = "cannot write '" + temporary.str().str() + "': " + out.error().message();
      out.clear_error();
      llvm::sys::fs::remove(temporary);
      return false;
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temporary, path)) {
    error =
        "cannot rename '" + temporary.str().str() + "' to '" + path.str() + "': " + ec.message();
    llvm::sys::fs::remove(temporary);
    return false;
  }
  return true;
}

std::string depfile_text(llvm::StringRef target, llvm::ArrayRef<std::string> dependencies) {
  std::string text = escape_for_make(target) + ":";
  for (const std::string& dependency : dependencies)
    text += " \\\n  " + escape_for_make(dependency);
  return text + "\n";
}

std::string absolute_path(llvm::StringRef path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  return absolute.str().str();
}

}  // namespace picocache::gen
