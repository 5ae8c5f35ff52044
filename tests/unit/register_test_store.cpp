// Registers the `testmem:` store at start-up, for a program (the CLI) built with it.
#include "memory_test_store.hpp"

namespace {
const bool kRegistered = picocache::testing::register_memory_test_store();
}  // namespace
