// PostgresServer (see postgres_server.hpp): initdb and postgres run as a non-root owner,
// readiness by a libpq connection; the process itself is a ServerProcess (server_process.hpp).
#include "postgres_server.hpp"

#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace picocache::testing {
namespace {

using namespace std::chrono_literals;

// The account the cluster belongs to when we are root: postgres, else nobody.
std::optional<Account> owner_account() {
  if (geteuid() != 0) return std::nullopt;
  if (auto account = account_named("postgres")) return account;
  return account_named("nobody");
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
  if (geteuid() == 0 && !owner_account()) {
    return std::string(
        "running as root without a 'postgres' or 'nobody' account to run "
        "PostgreSQL as");
  }
  return std::nullopt;
}

bool PostgresServer::in_ci() { return testing::in_ci(); }

void PostgresServer::run_as_owner(const std::vector<std::string>& args,
                                  const std::string& log) const {
  const pid_t pid = spawn_child(args, {owner_account(), log});
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
  if (const std::optional<Account> account = owner_account()) {
    if (chown(directory_.c_str(), account->uid, account->gid) != 0) {
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
  if (start_on_free_port(5432, [this](int port) { return launch(port); }) != 0) {
    std::lock_guard lock(live_mutex);
    if (live_owner != getpid()) {
      live_owner = getpid();
      live_servers.clear();
      std::atexit(remove_live_servers);
    }
    live_servers.push_back(this);
    return;
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
  kill();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

void PostgresServer::start() {
  if (process_.running()) return;
  if (restart_on_same_port(40, 100ms, [this] { return launch(port_); })) return;
  throw std::runtime_error("postgres did not restart on port " + std::to_string(port_) +
                           "; its log:\n" + log_tail());
}

// Fast shutdown: disconnects clients, no waiting for them.
void PostgresServer::stop() { process_.stop(SIGINT, 10s); }

// Immediate shutdown: the backends go with it, no checkpoint.
void PostgresServer::kill() { process_.stop(SIGQUIT, 5s); }

void PostgresServer::pause() { process_.pause(); }

void PostgresServer::resume() { process_.resume(); }

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
  process_.spawn(args, {owner_account(), directory_ + "/postgres.log"});
  port_ = port;
  if (wait_until_ready()) return true;
  kill();
  return false;
}

bool PostgresServer::wait_until_ready() {
  const std::string conninfo = url("?connect_timeout=2");
  return process_.wait_until_ready(
      [&conninfo] {
        PGconn* conn = PQconnectdb(conninfo.c_str());
        const bool ready = PQstatus(conn) == CONNECTION_OK;
        PQfinish(conn);
        return ready;
      },
      30s, 20ms);
}

std::string PostgresServer::log_tail() const { return file_tail(directory_ + "/postgres.log"); }

}  // namespace picocache::testing
