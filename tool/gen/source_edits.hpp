// SourceEdits: the text edits picocache-gen makes to one source file, applied in one pass.
//
// Every line of the user's text keeps its line number through `#line` directives: generated
// blocks are framed by a directive naming the output file (so an error in generated code points
// at the generated line) and one naming the original file and line (so the user's code that
// follows is reported where the user wrote it).
#pragma once

#include <llvm/ADT/StringRef.h>

#include <string>
#include <vector>

namespace picocache::gen {

class SourceEdits {
 public:
  // `original` is the source's text, `original_name` the name `#line` gives it, `output_name`
  // the name of the file being written (for generated blocks).
  SourceEdits(llvm::StringRef original, std::string original_name, std::string output_name);

  // Inserts `text` before the character at `offset`; insertions at one offset keep call order.
  void insert(unsigned offset, std::string text);
  // Replaces [offset, offset + length) (within one line) with `text`.
  void replace(unsigned offset, unsigned length, std::string text);
  // Replaces [offset, offset + length) with spaces, keeping newlines: columns stay where they were.
  void blank(unsigned offset, unsigned length);
  // Inserts a block of whole lines of generated code at `offset`: before its line when only
  // blanks precede it, after its line when only blanks follow it, else by splitting the line
  // (the rest is re-indented to its original column).
  void insert_block(unsigned offset, const std::string& block);
  // Inserts `text` (one line, no newline) at `offset`. When the rest of the line after `offset`
  // holds user code, that code moves to a new line that keeps its original line and column.
  void insert_inline(unsigned offset, const std::string& text);

  // Inserts `text` (one line, no newline) at `offset`, then a line break and a `#line`, so the
  // user's code from `offset` keeps its original line and column.
  void insert_before_kept(unsigned offset, const std::string& text);

  bool empty() const { return edits_.empty(); }

  // The edited text: a comment saying where it comes from, then a `#line 1` directive for the
  // original file, then the original with the edits.
  std::string render() const;

  // `#line <line> "<file>"` with a newline, for `file` (escaped).
  static std::string line_directive(unsigned line, llvm::StringRef file);
  // A `#line` whose number is resolved by render(): the output line that follows it.
  std::string output_line_directive() const;

 private:
  struct Edit {
    unsigned offset;
    unsigned length;  // replaced characters (0 for an insertion)
    std::string text;
    unsigned sequence;
  };
  unsigned line_of(unsigned offset) const;
  // The text of `offset`'s line before it with every character except tabs made a space.
  std::string indentation_before(unsigned offset) const;
  bool only_blanks_before(unsigned offset) const;

  llvm::StringRef original_;
  std::string original_name_;
  std::string output_name_;
  std::vector<Edit> edits_;
};

}  // namespace picocache::gen
