// Input for timing picocache-gen against clang++-19 -fsyntax-only (see README, Performance).
// Not built: run both tools on this file, e.g. with hyperfine.
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

struct Word {
  std::string text;
  int count = 0;
};

[[picocache::cached(maxsize = 1024)]] std::vector<Word> frequencies(
    const std::vector<std::string>& words) {
  std::unordered_map<std::string, int> counts;
  for (const auto& w : words) ++counts[w];
  std::map<std::string, int> sorted(counts.begin(), counts.end());
  std::vector<Word> out;
  for (const auto& [text, count] : sorted) out.push_back({text, count});
  return out;
}
