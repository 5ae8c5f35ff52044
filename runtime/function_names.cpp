// match_function_name(): see function_names.hpp.
#include "function_names.hpp"

namespace picocache::detail {

NameMatch match_function_name(std::string_view display_name, std::string_view qualified_name,
                              std::string_view wanted) {
  if (display_name == wanted) return NameMatch::exact;
  if (qualified_name == wanted) return NameMatch::by_name;
  return NameMatch::none;
}

std::string_view qualified_name_of(std::string_view display_name) {
  return display_name.substr(0, display_name.find(' '));
}

}  // namespace picocache::detail
