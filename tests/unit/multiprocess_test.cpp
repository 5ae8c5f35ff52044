// Several processes on one SQLite file: a second run hits what the first stored, and four
// processes at once neither fail nor see a wrong value, and leave maxsize respected.
#include "client_process.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace picocache {
namespace {

using testing::ClientRun;
using testing::run_client;
using testing::spawn;
using testing::wait_for;

TEST(MultiProcess, ASecondRunHitsWhatTheFirstStored) {
  testing::TempDir dir;
  const std::string url = "sqlite:" + dir.file("shared.db");
  const ClientRun first = run_client(url, {"sequence", "15"});
  EXPECT_EQ(first.status, 0);
  EXPECT_EQ(first.output, "hits=0 misses=15\n");
  const ClientRun second = run_client(url, {"sequence", "15"});
  EXPECT_EQ(second.status, 0);
  EXPECT_EQ(second.output, "hits=15 misses=0\n");
  EXPECT_EQ(first.warnings + second.warnings, "") << "no store warnings";
}

TEST(MultiProcess, FourProcessesAtOnceSeeNoErrorAndNoWrongValue) {
  testing::TempDir dir;
  const std::string url = "sqlite:" + dir.file("shared.db");
  std::vector<pid_t> children;
  for (int seed = 1; seed <= 4; ++seed)
    children.push_back(spawn(url, {"stress", std::to_string(seed)}, -1));
  for (pid_t child : children) EXPECT_EQ(wait_for(child), 0) << "exit 1: wrong value, 2: a warning";

  std::unique_ptr<Store> store = open_store(url);
  const std::vector<FunctionSummary> functions = store->functions();
  ASSERT_EQ(functions.size(), 1u);
  EXPECT_EQ(functions[0].name, "slow_square long (long)");
  EXPECT_EQ(functions[0].size, 20u) << "maxsize=20 holds after concurrent writers";
}

}  // namespace
}  // namespace picocache
