// EncodeMode: whether bytes are a stored value or a lookup key, which decides how -0.0, NaN and
// std::variant alternatives are written.
#pragma once

namespace picocache {

enum class EncodeMode {
  value,      // exact: decodes back to an equal value (keeps -0.0 and NaN payloads)
  key,        // equal arguments give equal bytes; variants by kind of value (typed=false)
  typed_key,  // as key, but a top-level argument that is a variant is written by its alternative
              // index (typed=true); values inside arguments are written as in key mode, as
              // lru_cache(typed=True) applies to the immediate arguments only
};

}  // namespace picocache
