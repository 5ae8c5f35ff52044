// A thin RAII layer over one SQLite connection and its prepared statements, so the store reads as
// SQL and every failure becomes a StoreError that says what was being done and why it failed
// (of kind `timeout` when the file stayed locked past the busy timeout).
#pragma once

#include "stores/store.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace picocache::sqlite {

class Connection;

// One prepared statement, reset after every use so it never holds a read transaction open.
class Statement {
 public:
  Statement(Connection& connection, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind_text(int index, std::string_view text);
  Statement& bind_blob(int index, const void* data, std::size_t size);
  Statement& bind_int(int index, std::int64_t value);
  Statement& bind_null(int index);

  // Steps once: true when a row is available, false when done. Throws StoreError on failure.
  bool step();
  // Steps to completion (for statements that return no rows) and resets.
  void run();
  void reset();

  std::int64_t column_int(int column) const;
  bool is_null(int column) const;
  std::string column_text(int column) const;
  std::string column_blob(int column) const;

 private:
  Connection& connection_;
  sqlite3_stmt* statement_ = nullptr;
  const char* sql_;
};

class Connection {
 public:
  // Opens the database at `path` (":memory:" for a private in-memory one), creating it when
  // missing if `create`. `label` names the store in messages, e.g. "sqlite:picocache.db".
  // Throws StoreError.
  Connection(const std::string& path, std::string label, bool create = true);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without results (schema, pragmas).
  void execute(const char* sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t changes() const;

  // A StoreError for the last failure of this connection, while doing `what`.
  [[noreturn]] void fail(std::string_view what) const;

  sqlite3* handle() const { return db_; }
  const std::string& label() const { return label_; }

  // Forgets the handle without closing it: for connections inherited across fork(), which
  // SQLite forbids using (or closing) in the child.
  void abandon();

 private:
  friend class WriteTransaction;
  // A transaction's statements, prepared once per connection: every put runs BEGIN and COMMIT,
  // and parsing them each time cost a parse and a code generation per miss.
  enum class TransactionStatement { begin, commit, rollback };
  // Steps `which` once and resets it: SQLITE_OK, or SQLite's error code (the message is the
  // connection's errmsg).
  int step_transaction_statement(TransactionStatement which);
  // The same, throwing a StoreError that names the statement on failure.
  void run_transaction_statement(TransactionStatement which);

  sqlite3* db_ = nullptr;
  std::string label_;
  std::array<sqlite3_stmt*, 3> transaction_statements_{};
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when an exception leaves the scope. IMMEDIATE takes the
// write lock up front (waiting up to the busy timeout), so two writers never deadlock upgrading.
class WriteTransaction {
 public:
  explicit WriteTransaction(Connection& connection);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace picocache::sqlite
