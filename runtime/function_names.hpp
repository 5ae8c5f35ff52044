// How users name a cached function, in the API (cache_info("geo::area")) and the CLI
// (picocache clear geo::area): its qualified name, or its name and signature exactly as listings
// show them ("geo::area double (double)"). One rule, so the two cannot disagree.
#pragma once

#include <string_view>
#include <vector>

namespace picocache::detail {

enum class NameMatch { none, by_name, exact };

// How `wanted` names the function listed as `display_name` ("qualified_name signature"), whose
// qualified name is `qualified_name`.
NameMatch match_function_name(std::string_view display_name, std::string_view qualified_name,
                              std::string_view wanted);

// The qualified name in a listing's "qualified_name signature".
std::string_view qualified_name_of(std::string_view display_name);

// The functions of `all` that `wanted` names: the exact matches when there are any, else those
// matched by qualified name. `display(f)` and `qualified(f)` read a function's names.
template <class T, class Display, class Qualified>
std::vector<T> functions_named(const std::vector<T>& all, std::string_view wanted, Display display,
                               Qualified qualified) {
  std::vector<T> exact;
  std::vector<T> by_name;
  for (const T& fn : all) {
    switch (match_function_name(display(fn), qualified(fn), wanted)) {
      case NameMatch::exact:
        exact.push_back(fn);
        break;
      case NameMatch::by_name:
        by_name.push_back(fn);
        break;
      case NameMatch::none:
        break;
    }
  }
  return exact.empty() ? by_name : exact;
}

}  // namespace picocache::detail
