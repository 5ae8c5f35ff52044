// Runs reliability_client (PICOCACHE_RELIABILITY_CLIENT is its path) as a child process with
// PICOCACHE_URL set, with a bound on how long it may take, and captures its output.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace picocache::testing {

struct Child {
  pid_t pid = -1;
  int out = -1;  // its stdout and stderr, merged
};

inline Child start_client(const std::string& url, const std::vector<std::string>& args) {
  std::array<int, 2> pipe_fds{};
  if (pipe(pipe_fds.data()) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("PICOCACHE_URL", url.c_str(), 1);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> argv{const_cast<char*>(PICOCACHE_RELIABILITY_CLIENT)};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  return {pid, pipe_fds[0]};
}

struct Finished {
  int status = -1;  // the exit code, -1 when it was killed or timed out
  bool timed_out = false;
  std::string output;
};

// Waits for `child`, SIGKILLing it after `bound`; reads its output meanwhile.
inline Finished finish(Child child, std::chrono::seconds bound) {
  Finished finished;
  std::thread reader([&] {
    char buffer[512];
    ssize_t n = 0;
    while ((n = read(child.out, buffer, sizeof buffer)) > 0) {
      finished.output.append(buffer, static_cast<std::size_t>(n));
    }
    close(child.out);
  });
  const auto deadline = std::chrono::steady_clock::now() + bound;
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(child.pid, &status, WNOHANG);
    if (done == child.pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      finished.timed_out = true;
      kill(child.pid, SIGKILL);
      waitpid(child.pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  reader.join();
  if (!finished.timed_out && WIFEXITED(status)) finished.status = WEXITSTATUS(status);
  return finished;
}

inline Finished run_client(const std::string& url, const std::vector<std::string>& args,
                           std::chrono::seconds bound = std::chrono::seconds(60)) {
  return finish(start_client(url, args), bound);
}

}  // namespace picocache::testing
