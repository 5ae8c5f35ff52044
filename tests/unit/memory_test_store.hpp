// A small in-memory store for tests, registered under the URL scheme `testmem:`: it proves that
// a store added to the registry (here, from a test binary) appears in URL errors, the CLI and
// the conformance suite with no other edit. Everything lives in one process-wide map per URL.
#pragma once

namespace picocache::testing {

// Registers the `testmem:` kind (once; later calls do nothing). Returns true.
bool register_memory_test_store();

}  // namespace picocache::testing
