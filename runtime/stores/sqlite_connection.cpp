#include "stores/sqlite_connection.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

namespace picocache::sqlite {
namespace {

// SQLITE_BUSY and SQLITE_LOCKED mean another connection held the file past the busy timeout:
// a timeout, not a broken store.
FailureKind kind_of(sqlite3* db) {
  const int code = db ? (sqlite3_extended_errcode(db) & 0xff) : SQLITE_ERROR;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED ? FailureKind::timeout : FailureKind::error;
}

// The SQL of Connection::TransactionStatement's values, in order.
constexpr const char* kTransactionSql[] = {"BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};

}  // namespace

Connection::Connection(const std::string& path, std::string label, bool create)
    : label_(std::move(label)) {
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(fmt::format("{}: cannot open the database: {}", label_, why));
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
  // Statements are finalized by their owners first; close_v2 tolerates stragglers.
  if (!db_) return;
  for (sqlite3_stmt* statement : transaction_statements_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

void Connection::abandon() {
  db_ = nullptr;
  transaction_statements_.fill(nullptr);
}

int Connection::step_transaction_statement(TransactionStatement which) {
  sqlite3_stmt*& statement = transaction_statements_[static_cast<std::size_t>(which)];
  if (!statement &&
      sqlite3_prepare_v3(db_, kTransactionSql[static_cast<int>(which)], -1,
                         SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
    return sqlite3_errcode(db_);
  }
  const int result = sqlite3_step(statement);
  sqlite3_reset(statement);
  return result == SQLITE_DONE ? SQLITE_OK : result;
}

void Connection::run_transaction_statement(TransactionStatement which) {
  if (step_transaction_statement(which) != SQLITE_OK) {
    fail(kTransactionSql[static_cast<int>(which)]);
  }
}

void Connection::execute(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw StoreError(fmt::format("{}: {} failed: {}", label_, sql, why), kind_of(db_));
  }
}

std::int64_t Connection::changes() const { return sqlite3_changes(db_); }

void Connection::fail(std::string_view what) const {
  throw StoreError(fmt::format("{}: {} failed: {}", label_, what, sqlite3_errmsg(db_)),
                   kind_of(db_));
}

Statement::Statement(Connection& connection, const char* sql) : connection_(connection), sql_(sql) {
  if (sqlite3_prepare_v3(connection.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &statement_,
                         nullptr) != SQLITE_OK) {
    connection.fail(fmt::format("preparing \"{}\"", sql));
  }
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement& Statement::bind_text(int index, std::string_view text) {
  if (sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_STATIC) != SQLITE_OK) {
    connection_.fail("binding a parameter");
  }
  return *this;
}

Statement& Statement::bind_blob(int index, const void* data, std::size_t size) {
  // A null pointer would bind NULL, not an empty blob.
  static const char kEmpty = 0;
  if (sqlite3_bind_blob64(statement_, index, data != nullptr ? data : &kEmpty, size,
                          SQLITE_STATIC) != SQLITE_OK) {
    connection_.fail("binding a parameter");
  }
  return *this;
}

Statement& Statement::bind_int(int index, std::int64_t value) {
  if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK) {
    connection_.fail("binding a parameter");
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(statement_, index) != SQLITE_OK) connection_.fail("binding a parameter");
  return *this;
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

bool Statement::step() {
  const int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  const std::string why = sqlite3_errmsg(connection_.handle());
  sqlite3_reset(statement_);
  const int code = result & 0xff;
  throw StoreError(
      fmt::format("{}: \"{}\" failed: {}", connection_.label(), sql_, why),
      code == SQLITE_BUSY || code == SQLITE_LOCKED ? FailureKind::timeout : FailureKind::error);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::int64_t Statement::column_int(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::string Statement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  return text
             ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
             : std::string();
}

std::string Statement::column_blob(int column) const {
  const void* data = sqlite3_column_blob(statement_, column);
  const int size = sqlite3_column_bytes(statement_, column);
  return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size))
              : std::string();
}

WriteTransaction::WriteTransaction(Connection& connection) : connection_(connection) {
  connection_.run_transaction_statement(Connection::TransactionStatement::begin);
}

WriteTransaction::~WriteTransaction() {
  if (open_) {
    static_cast<void>(
        connection_.step_transaction_statement(Connection::TransactionStatement::rollback));
  }
}

void WriteTransaction::commit() {
  connection_.run_transaction_statement(Connection::TransactionStatement::commit);
  open_ = false;
}

}  // namespace picocache::sqlite
