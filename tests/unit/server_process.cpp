// ServerProcess and the harnesses' shared helpers (see server_process.hpp): ports, fork/exec with
// an optional change of user, readiness polling, signals and reaping.
#include "server_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>
#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace picocache::testing {
namespace {

using namespace std::chrono_literals;

int kernel_assigned_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed: " + std::string(std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string error = std::strerror(errno);
    close(fd);
    throw std::runtime_error("cannot find a free loopback port: " + error);
  }
  close(fd);
  return ntohs(address.sin_port);
}

// The processes below `root` (children, their children, ...), read from /proc: PostgreSQL's
// backends run in sessions of their own, so signalling a process group would miss them.
std::vector<pid_t> descendants_of(pid_t root) {
  std::vector<std::pair<pid_t, pid_t>> parents;  // (pid, ppid) of every process
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const std::size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    std::string state;
    pid_t ppid = 0;
    if (rest >> state >> ppid) parents.emplace_back(std::stoi(name), ppid);
  }
  std::vector<pid_t> found;
  std::vector<pid_t> frontier{root};
  while (!frontier.empty()) {
    const pid_t parent = frontier.back();
    frontier.pop_back();
    for (const auto& [pid, ppid] : parents) {
      if (ppid == parent) {
        found.push_back(pid);
        frontier.push_back(pid);
      }
    }
  }
  return found;
}

}  // namespace

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

int free_loopback_port(int avoided) {
  // At most 55535: a Redis Cluster node also listens on its port + 10000 and refuses a higher
  // one. The kernel hands out neighbouring ports in a row, so one high pick is often followed by
  // more: keep asking (most of the usual 32768-60999 range is below it).
  constexpr int kHighestUsable = 55535;
  int port = 0;
  for (int attempt = 0; attempt < 10000; ++attempt) {
    port = kernel_assigned_port();
    if (port != avoided && port <= kHighestUsable) return port;
  }
  return port;  // a range entirely above it: the server says why it cannot start
}

int start_on_free_port(int avoided, const std::function<bool(int port)>& launch) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int port = free_loopback_port(avoided);
    if (launch(port)) return port;
  }
  return 0;
}

bool restart_on_same_port(int attempts, std::chrono::milliseconds delay,
                          const std::function<bool()>& launch) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (launch()) return true;
    std::this_thread::sleep_for(delay);
  }
  return false;
}

std::optional<Account> account_named(const std::string& name) {
  const passwd* account = getpwnam(name.c_str());
  if (account == nullptr) return std::nullopt;
  return Account{account->pw_uid, account->pw_gid};
}

pid_t spawn_child(const std::vector<std::string>& args, const SpawnOptions& options) {
  // Everything the child needs is prepared here: between fork and exec only async-signal-safe
  // calls are made.
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const char* output = options.output_file.empty() ? "/dev/null" : options.output_file.c_str();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  if (pid != 0) return pid;

  const int null = open("/dev/null", O_RDONLY);
  const int out = open(output, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (null >= 0) dup2(null, STDIN_FILENO);
  if (out >= 0) {
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
  }
  if (options.run_as) {
    if (setgroups(0, nullptr) != 0 || setgid(options.run_as->gid) != 0 ||
        setuid(options.run_as->uid) != 0) {
      _exit(126);
    }
  }
#ifdef __linux__
  // A test binary that crashes, or keeps its server in a never-destroyed static, must not leave
  // servers behind. Set after setuid(), which clears the parent-death signal.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
#endif
  (void)parent;
  execv(argv[0], argv.data());
  _exit(127);
}

bool wait_for_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
}

void ServerProcess::spawn(const std::vector<std::string>& args, const SpawnOptions& options) {
  kill();
  pid_ = spawn_child(args, options);
}

bool ServerProcess::wait_until_ready(const std::function<bool()>& ready,
                                     std::chrono::milliseconds limit,
                                     std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port taken, or bad arguments
      pid_ = -1;
      return false;
    }
    if (ready()) return true;
    std::this_thread::sleep_for(interval);
  }
  return false;
}

void ServerProcess::stop(int signal, std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  resume();
  if (!wait_for_exit(pid_, grace)) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(pid_, 5s);
  }
  pid_ = -1;
}

void ServerProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_for_exit(pid_, 5s);
  pid_ = -1;
}

void ServerProcess::pause() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGSTOP);  // first, so that it starts no child meanwhile
  for (const pid_t child : descendants_of(pid_)) ::kill(child, SIGSTOP);
}

void ServerProcess::resume() {
  if (pid_ <= 0) return;
  for (const pid_t child : descendants_of(pid_)) ::kill(child, SIGCONT);
  ::kill(pid_, SIGCONT);
}

std::string file_tail(const std::string& path, std::size_t limit) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  std::string all = text.str();
  if (all.size() > limit) all = all.substr(all.size() - limit);
  return all;
}

}  // namespace picocache::testing
