// Several processes on one SQLite file: a second run hits what the first stored, and four
// processes at once neither fail nor see a wrong value, and leave maxsize respected.
#include "stores/store.hpp"
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

namespace picocache {
namespace {

// Runs cache_client with `url` as PICOCACHE_URL; returns its exit status and stdout.
struct ClientRun {
  int status = -1;
  std::string output;
};

pid_t spawn(const std::string& url, const std::vector<std::string>& args, int stdout_fd) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  setenv("PICOCACHE_URL", url.c_str(), 1);
  if (stdout_fd >= 0) dup2(stdout_fd, STDOUT_FILENO);
  std::vector<char*> argv{const_cast<char*>(PICOCACHE_CACHE_CLIENT)};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

int wait_for(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

ClientRun run_client(const std::string& url, const std::vector<std::string>& args) {
  std::array<int, 2> pipe_fds{};
  if (pipe(pipe_fds.data()) != 0) return {};
  const pid_t pid = spawn(url, args, pipe_fds[1]);
  close(pipe_fds[1]);
  ClientRun run;
  char buffer[256];
  ssize_t n = 0;
  while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0) run.output.append(buffer, n);
  close(pipe_fds[0]);
  run.status = wait_for(pid);
  return run;
}

TEST(MultiProcess, ASecondRunHitsWhatTheFirstStored) {
  testing::TempDir dir;
  const std::string url = "sqlite:" + dir.file("shared.db");
  const ClientRun first = run_client(url, {"sequence", "15"});
  EXPECT_EQ(first.status, 0);
  EXPECT_EQ(first.output, "hits=0 misses=15\n");
  const ClientRun second = run_client(url, {"sequence", "15"});
  EXPECT_EQ(second.status, 0);
  EXPECT_EQ(second.output, "hits=15 misses=0\n");
}

TEST(MultiProcess, FourProcessesAtOnceSeeNoErrorAndNoWrongValue) {
  testing::TempDir dir;
  const std::string url = "sqlite:" + dir.file("shared.db");
  std::vector<pid_t> children;
  for (int seed = 1; seed <= 4; ++seed) children.push_back(spawn(url, {"stress", std::to_string(seed)}, -1));
  for (pid_t child : children) EXPECT_EQ(wait_for(child), 0) << "exit 1: wrong value, 2: a warning";

  std::unique_ptr<Store> store = open_store(url);
  const std::vector<FunctionSummary> functions = store->functions();
  ASSERT_EQ(functions.size(), 1u);
  EXPECT_EQ(functions[0].name, "slow_square long (long)");
  EXPECT_EQ(functions[0].size, 20u) << "maxsize=20 holds after concurrent writers";
}

}  // namespace
}  // namespace picocache
