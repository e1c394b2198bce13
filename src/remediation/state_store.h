// Guard state: windows of past events, circuits, the kill switch and runs in flight.
//
// Reads come from memory. Mutations apply to memory at once and become durable at
// Commit() (the SQLite store writes them in one transaction; the memory store has nothing
// to do). Not thread-safe: the engine calls it under its decision lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace remediator::remediation {

enum class EventKind {
  kIdempotency = 1,  // key: fingerprint|startsAt|playbook
  kOscillation = 2,  // key: alertname|playbook
  kExecution = 3,    // key: "" (the global rate limit)
};

enum class CircuitPhase {
  kClosed = 0,    // runs pass
  kOpen = 1,      // runs are blocked until opened_at + cooldown
  kHalfOpen = 2,  // one trial run is out; others are blocked until its outcome
};

struct CircuitRecord {
  CircuitPhase phase = CircuitPhase::kClosed;
  int64_t failures = 0;  // consecutive
  int64_t opened_at_ns = 0;
};

// A run that was decided and queued but has no outcome line yet. Kept durably so a crash
// between decision and outcome still leaves a decision-log line after restart.
struct PendingRun {
  std::string decision_id;
  std::string decision_json;  // the decision line as it would read without an outcome
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Events of `kind` + `key` at or after `since_ns`.
  int64_t CountEvents(EventKind kind, std::string_view key, int64_t since_ns) const;
  // The oldest such event, or INT64_MAX when there is none.
  int64_t OldestEvent(EventKind kind, std::string_view key, int64_t since_ns) const;
  // Records an event and forgets those of the same kind + key older than `keep_since_ns`.
  void AddEvent(EventKind kind, std::string_view key, int64_t at_ns, int64_t keep_since_ns);

  CircuitRecord GetCircuit(std::string_view playbook) const;
  void PutCircuit(std::string_view playbook, const CircuitRecord& record);
  const std::map<std::string, CircuitRecord, std::less<>>& circuits() const { return circuits_; }

  bool paused() const { return paused_; }
  void SetPaused(bool paused);

  void AddPending(const PendingRun& run);
  void RemovePending(std::string_view decision_id);
  const std::map<std::string, std::string, std::less<>>& pending() const { return pending_; }

  // Makes every mutation since the last Commit durable. kUnavailable on I/O errors.
  virtual Status Commit() = 0;

 protected:
  // Persistence hooks, called after memory changed (the memory store ignores them).
  virtual void OnAddEvent(EventKind kind, std::string_view key, int64_t at_ns,
                          int64_t keep_since_ns) {}
  virtual void OnPutCircuit(std::string_view playbook, const CircuitRecord& record) {}
  virtual void OnSetPaused(bool paused) {}
  virtual void OnAddPending(const PendingRun& run) {}
  virtual void OnRemovePending(std::string_view decision_id) {}

  // For loaders: set memory without calling the hooks.
  void LoadEvent(EventKind kind, std::string key, int64_t at_ns);
  void LoadCircuit(std::string playbook, const CircuitRecord& record) {
    circuits_[std::move(playbook)] = record;
  }
  void LoadPaused(bool paused) { paused_ = paused; }
  void LoadPending(std::string id, std::string json) { pending_[std::move(id)] = std::move(json); }

 private:
  using EventKey = std::pair<int, std::string>;
  // Orders as EventKey's own operator<, and also finds by pair<int, string_view> (lookups
  // on every decision, without copying the key).
  struct EventKeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      if (a.first != b.first) return a.first < b.first;
      return std::string_view(a.second) < std::string_view(b.second);
    }
  };
  std::map<EventKey, std::vector<int64_t>, EventKeyLess> events_;  // times, ascending
  std::map<std::string, CircuitRecord, std::less<>> circuits_;
  std::map<std::string, std::string, std::less<>> pending_;
  bool paused_ = false;
};

// State that lives as long as the process (simulate, tests).
std::unique_ptr<StateStore> NewMemoryStateStore();

// SQLite in WAL mode at `path` (created with its migrations when missing). Survives a
// restart and kill -9; a circuit left half-open by a crash is reopened (its trial lost).
Result<std::unique_ptr<StateStore>> OpenSqliteStateStore(const std::string& path);

}  // namespace remediator::remediation
