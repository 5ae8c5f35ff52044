// PostgresServer (see postgres_server.hpp): initdb and postgres run as a non-root owner,
// readiness by a libpq connection.
#include "postgres_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace picocache::testing {
namespace {

using namespace std::chrono_literals;

int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed: " + std::string(std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
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

// The account the cluster belongs to when we are root: postgres, else nobody.
const passwd* owner_account() {
  if (geteuid() != 0) return nullptr;
  if (const passwd* account = getpwnam("postgres")) return account;
  return getpwnam("nobody");
}

// In a forked child: becomes the owner account (when root), sends output to `log`, execs.
[[noreturn]] void exec_as_owner(const std::vector<std::string>& args, const std::string& log) {
  const pid_t parent = getppid();
  const int null = open("/dev/null", O_RDONLY);
  const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (null >= 0) dup2(null, STDIN_FILENO);
  if (out >= 0) {
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
  }
  if (const passwd* account = owner_account()) {
    if (setgroups(0, nullptr) != 0 || setgid(account->pw_gid) != 0 ||
        setuid(account->pw_uid) != 0) {
      _exit(126);
    }
  }
#ifdef __linux__
  // A test binary that crashes must not leave servers behind. Set after setuid(), which clears
  // the parent-death signal.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
#endif
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

// Servers still alive, by the process that started them. Suites keep one server in a static
// that is never destroyed (stores may outlive the test); at exit these are stopped and their
// clusters (about 40 MB each) removed all the same. A forked child that exits leaves them alone.
std::mutex live_mutex;
std::vector<PostgresServer*> live_servers;
pid_t live_owner = 0;

void remove_live_servers() {
  std::vector<PostgresServer*> servers;
  {
    std::lock_guard lock(live_mutex);
    if (getpid() != live_owner) return;
    servers = live_servers;
  }
  for (PostgresServer* server : servers) delete server;
}

}  // namespace

std::optional<std::string> PostgresServer::bin_directory() {
  std::string directory = "/usr/lib/postgresql/15/bin";
  if (const char* configured = std::getenv("PICOCACHE_POSTGRES_BIN");
      configured != nullptr && *configured != '\0') {
    directory = configured;
  }
  if (access((directory + "/initdb").c_str(), X_OK) != 0) return std::nullopt;
  if (access((directory + "/postgres").c_str(), X_OK) != 0) return std::nullopt;
  return directory;
}

std::optional<std::string> PostgresServer::unavailable_reason() {
  if (!bin_directory()) {
    return std::string(
        "PostgreSQL 15 not found (looked at $PICOCACHE_POSTGRES_BIN and "
        "/usr/lib/postgresql/15/bin); install it (Debian: apt-get install postgresql-15) to run "
        "the PostgreSQL store tests");
  }
  if (geteuid() == 0 && owner_account() == nullptr) {
    return std::string(
        "running as root without a 'postgres' or 'nobody' account to run "
        "PostgreSQL as");
  }
  return std::nullopt;
}

bool PostgresServer::in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

void PostgresServer::run_as_owner(const std::vector<std::string>& args,
                                  const std::string& log) const {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  if (pid == 0) exec_as_owner(args, log);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(args[0] + " failed; its output:\n" + log_tail());
  }
}

PostgresServer::PostgresServer() {
  const std::optional<std::string> bin = bin_directory();
  if (!bin) throw std::runtime_error(*unavailable_reason());
  std::string pattern =
      (std::filesystem::temp_directory_path() / "picocache-postgres-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
  }
  directory_ = pattern;
  if (const passwd* account = owner_account()) {
    if (chown(directory_.c_str(), account->pw_uid, account->pw_gid) != 0) {
      throw std::runtime_error("cannot chown " + directory_ + ": " + std::strerror(errno));
    }
  }
  try {
    run_as_owner({*bin + "/initdb", "-D", directory_ + "/data", "-U", "picocache", "-A", "trust",
                  "--no-sync", "--no-instructions", "-E", "UTF8"},
                 directory_ + "/postgres.log");
  } catch (...) {
    std::filesystem::remove_all(directory_);
    throw;
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int port = free_loopback_port();
    if (port == 5432) continue;
    if (launch(port)) {
      std::lock_guard lock(live_mutex);
      if (live_owner != getpid()) {
        live_owner = getpid();
        live_servers.clear();
        std::atexit(remove_live_servers);
      }
      live_servers.push_back(this);
      return;
    }
  }
  const std::string log = log_tail();
  std::filesystem::remove_all(directory_);
  throw std::runtime_error("postgres did not start; its log:\n" + log);
}

PostgresServer::~PostgresServer() {
  {
    std::lock_guard lock(live_mutex);
    std::erase(live_servers, this);
  }
  if (pid_ > 0) kill();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

void PostgresServer::start() {
  if (pid_ > 0) return;
  for (int attempt = 0; attempt < 40; ++attempt) {
    if (launch(port_)) return;
    std::this_thread::sleep_for(100ms);
  }
  throw std::runtime_error("postgres did not restart on port " + std::to_string(port_) +
                           "; its log:\n" + log_tail());
}

void PostgresServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // fast shutdown: disconnects clients, no waiting for them
  if (!wait_for_exit(pid_, 10s)) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(pid_, 5s);
  }
  pid_ = -1;
}

void PostgresServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGQUIT);  // immediate shutdown: the backends go with it, no checkpoint
  if (!wait_for_exit(pid_, 5s)) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(pid_, 5s);
  }
  pid_ = -1;
}

std::string PostgresServer::url(const std::string& query) const {
  return "postgresql://picocache@127.0.0.1:" + std::to_string(port_) + "/postgres" + query;
}

void PostgresServer::execute(const std::string& sql) const {
  PGconn* conn = PQconnectdb(url().c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) error = PQerrorMessage(conn);
    PQclear(result);
  }
  PQfinish(conn);
  if (!error.empty()) throw std::runtime_error("SQL failed: " + sql + ": " + error);
}

bool PostgresServer::launch(int port) {
  const std::string bin = *bin_directory();
  const std::vector<std::string> args = {bin + "/postgres",
                                         "-D",
                                         directory_ + "/data",
                                         "-p",
                                         std::to_string(port),
                                         "-k",
                                         directory_,
                                         "-c",
                                         "listen_addresses=127.0.0.1",
                                         "-c",
                                         "fsync=off",
                                         "-c",
                                         "synchronous_commit=off",
                                         "-c",
                                         "full_page_writes=off",
                                         "-c",
                                         "max_connections=200",
                                         "-c",
                                         "shared_buffers=32MB"};
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  if (pid == 0) exec_as_owner(args, directory_ + "/postgres.log");
  pid_ = pid;
  port_ = port;
  if (wait_until_ready()) return true;
  kill();
  return false;
}

bool PostgresServer::wait_until_ready() {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  const std::string conninfo = url("?connect_timeout=2");
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    PGconn* conn = PQconnectdb(conninfo.c_str());
    const bool ready = PQstatus(conn) == CONNECTION_OK;
    PQfinish(conn);
    if (ready) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

std::string PostgresServer::log_tail() const {
  std::ifstream log(directory_ + "/postgres.log");
  std::stringstream text;
  text << log.rdbuf();
  std::string all = text.str();
  if (all.size() > 4000) all = all.substr(all.size() - 4000);
  return all;
}

}  // namespace picocache::testing
