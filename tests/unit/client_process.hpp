// Runs cache_client (the program with one cached function that the multi-process tests share)
// with PICOCACHE_URL set, alone or several at once. PICOCACHE_CACHE_CLIENT is its path.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string>
#include <vector>

namespace picocache::testing {

inline pid_t spawn(const std::string& url, const std::vector<std::string>& args, int stdout_fd,
                   int stderr_fd = -1) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  setenv("PICOCACHE_URL", url.c_str(), 1);
  if (stdout_fd >= 0) dup2(stdout_fd, STDOUT_FILENO);
  if (stderr_fd >= 0) dup2(stderr_fd, STDERR_FILENO);
  std::vector<char*> argv{const_cast<char*>(PICOCACHE_CACHE_CLIENT)};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

inline int wait_for(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

struct ClientRun {
  int status = -1;
  std::string output;    // stdout
  std::string warnings;  // stderr: the warnings the runtime logged, one per line
};

inline std::string read_all(int fd) {
  std::string text;
  char buffer[256];
  ssize_t n = 0;
  while ((n = read(fd, buffer, sizeof buffer)) > 0)
    text.append(buffer, static_cast<std::size_t>(n));
  close(fd);
  return text;
}

inline ClientRun run_client(const std::string& url, const std::vector<std::string>& args) {
  std::array<int, 2> out{}, err{};
  if (pipe(out.data()) != 0 || pipe(err.data()) != 0) return {};
  const pid_t pid = spawn(url, args, out[1], err[1]);
  close(out[1]);
  close(err[1]);
  ClientRun run;
  run.output = read_all(out[0]);  // a few bytes each: neither pipe can fill up meanwhile
  run.warnings = read_all(err[0]);
  run.status = wait_for(pid);
  return run;
}

}  // namespace picocache::testing
