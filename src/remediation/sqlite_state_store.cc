// The SQLite-backed StateStore: WAL mode, numbered migrations (PRAGMA user_version), one
// transaction per Commit(). Schema: docs/formats/state-db.md.
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "remediation/state_store.h"

namespace remediator::remediation {
namespace {

// Migration N brings user_version from N-1 to N. Append only; never edit a shipped one.
constexpr const char* kMigrations[] = {
    // 1: guard state.
    "CREATE TABLE events (kind INTEGER NOT NULL, key TEXT NOT NULL, at_ns INTEGER NOT NULL);"
    "CREATE INDEX events_by_kind_time ON events (kind, at_ns);"
    "CREATE TABLE circuits (playbook TEXT PRIMARY KEY, phase INTEGER NOT NULL,"
    "  failures INTEGER NOT NULL, opened_at_ns INTEGER NOT NULL);"
    "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE pending_runs (decision_id TEXT PRIMARY KEY, decision_json TEXT NOT NULL);",
};

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() const { return s_; }
  bool ok() const { return s_ != nullptr; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class SqliteStateStore final : public StateStore {
 public:
  ~SqliteStateStore() override {
    if (db_) sqlite3_close(db_);
  }

  Status Open(const std::string& path) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      return Error("open " + path);
    }
    sqlite3_busy_timeout(db_, 5000);
    // WAL + synchronous=FULL: a committed transaction survives kill -9 and power loss.
    REMEDIATOR_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
    REMEDIATOR_RETURN_IF_ERROR(Migrate());
    return Load();
  }

  Status Commit() override {
    if (ops_.empty()) return Status::Ok();
    std::vector<std::function<bool()>> ops = std::move(ops_);
    ops_.clear();
    REMEDIATOR_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    for (auto& op : ops) {
      if (!op()) {
        Status err = Error("write");
        (void)Exec("ROLLBACK");
        return err;
      }
    }
    return Exec("COMMIT");
  }

 protected:
  void OnAddEvent(EventKind kind, std::string_view key, int64_t at_ns,
                  int64_t keep_since_ns) override {
    int k = static_cast<int>(kind);
    std::string skey(key);
    ops_.push_back([this, k, keep_since_ns] {
      return Run("DELETE FROM events WHERE kind = ?1 AND at_ns < ?2",
                 {int64_t{k}, keep_since_ns});
    });
    ops_.push_back([this, k, skey, at_ns] {
      return Run("INSERT INTO events (kind, key, at_ns) VALUES (?1, ?2, ?3)",
                 {int64_t{k}, skey, at_ns});
    });
  }
  void OnPutCircuit(std::string_view playbook, const CircuitRecord& r) override {
    std::string pb(playbook);
    ops_.push_back([this, pb, r] {
      return Run(
          "INSERT OR REPLACE INTO circuits (playbook, phase, failures, opened_at_ns) "
          "VALUES (?1, ?2, ?3, ?4)",
          {pb, static_cast<int64_t>(r.phase), r.failures, r.opened_at_ns});
    });
  }
  void OnSetPaused(bool paused) override {
    ops_.push_back([this, paused] {
      return Run("INSERT OR REPLACE INTO settings (name, value) VALUES ('paused', ?1)",
                 {std::string(paused ? "true" : "false")});
    });
  }
  void OnAddPending(const PendingRun& run) override {
    ops_.push_back([this, run] {
      return Run("INSERT OR REPLACE INTO pending_runs (decision_id, decision_json) VALUES (?1, ?2)",
                 {run.decision_id, run.decision_json});
    });
  }
  void OnRemovePending(std::string_view decision_id) override {
    std::string id(decision_id);
    ops_.push_back(
        [this, id] { return Run("DELETE FROM pending_runs WHERE decision_id = ?1", {id}); });
  }

 private:
  Status Error(std::string_view what) const {
    return Unavailable(fmt::format("state db: {}: {}", what, db_ ? sqlite3_errmsg(db_) : "no handle"));
  }

  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Unavailable(fmt::format("state db: {}", msg));
    }
    return Status::Ok();
  }

  using Param = std::variant<int64_t, std::string>;
  // Binds `params` to ?1, ?2, ... in order and steps once.
  bool Run(const char* sql, const std::vector<Param>& params) {
    Stmt st(db_, sql);
    if (!st.ok()) return false;
    int n = 1;
    for (const Param& p : params) {
      if (const int64_t* v = std::get_if<int64_t>(&p)) {
        sqlite3_bind_int64(st.get(), n++, *v);
      } else {
        const std::string& t = std::get<std::string>(p);
        sqlite3_bind_text(st.get(), n++, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
      }
    }
    int rc = sqlite3_step(st.get());
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
  }

  Status Migrate() {
    int version = 0;
    {
      Stmt st(db_, "PRAGMA user_version");
      if (!st.ok() || sqlite3_step(st.get()) != SQLITE_ROW) return Error("read user_version");
      version = sqlite3_column_int(st.get(), 0);
    }
    constexpr int kLatest = static_cast<int>(std::size(kMigrations));
    if (version > kLatest) {
      return FailedPrecondition(fmt::format(
          "state db: schema version {} is newer than this remediator knows ({})", version, kLatest));
    }
    for (int v = version; v < kLatest; ++v) {
      REMEDIATOR_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
      Status st = Exec(kMigrations[v]);
      if (st.ok()) st = Exec(fmt::format("PRAGMA user_version = {}", v + 1).c_str());
      if (!st.ok()) {
        (void)Exec("ROLLBACK");
        return st;
      }
      REMEDIATOR_RETURN_IF_ERROR(Exec("COMMIT"));
    }
    return Status::Ok();
  }

  Status Load() {
    {
      Stmt st(db_, "SELECT kind, key, at_ns FROM events ORDER BY at_ns");
      if (!st.ok()) return Error("load events");
      while (sqlite3_step(st.get()) == SQLITE_ROW) {
        const unsigned char* key = sqlite3_column_text(st.get(), 1);
        LoadEvent(static_cast<EventKind>(sqlite3_column_int(st.get(), 0)),
                  key ? reinterpret_cast<const char*>(key) : "", sqlite3_column_int64(st.get(), 2));
      }
    }
    {
      Stmt st(db_, "SELECT playbook, phase, failures, opened_at_ns FROM circuits");
      if (!st.ok()) return Error("load circuits");
      while (sqlite3_step(st.get()) == SQLITE_ROW) {
        CircuitRecord r;
        int phase = sqlite3_column_int(st.get(), 1);
        r.phase = phase == 1 ? CircuitPhase::kOpen
                             : phase == 2 ? CircuitPhase::kHalfOpen : CircuitPhase::kClosed;
        r.failures = sqlite3_column_int64(st.get(), 2);
        r.opened_at_ns = sqlite3_column_int64(st.get(), 3);
        // The trial of a half-open circuit died with the last process: open again (its
        // cooldown has passed, so the next alert gets a new trial).
        if (r.phase == CircuitPhase::kHalfOpen) r.phase = CircuitPhase::kOpen;
        LoadCircuit(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0)), r);
      }
    }
    {
      Stmt st(db_, "SELECT value FROM settings WHERE name = 'paused'");
      if (!st.ok()) return Error("load settings");
      if (sqlite3_step(st.get()) == SQLITE_ROW) {
        LoadPaused(std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0))) ==
                   "true");
      }
    }
    {
      Stmt st(db_, "SELECT decision_id, decision_json FROM pending_runs");
      if (!st.ok()) return Error("load pending runs");
      while (sqlite3_step(st.get()) == SQLITE_ROW) {
        LoadPending(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0)),
                    reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 1)));
      }
    }
    return Status::Ok();
  }

  sqlite3* db_ = nullptr;
  std::vector<std::function<bool()>> ops_;
};

}  // namespace

Result<std::unique_ptr<StateStore>> OpenSqliteStateStore(const std::string& path) {
  auto store = std::make_unique<SqliteStateStore>();
  REMEDIATOR_RETURN_IF_ERROR(store->Open(path));
  return std::unique_ptr<StateStore>(std::move(store));
}

}  // namespace remediator::remediation
