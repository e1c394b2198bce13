#include "remediation/state_store.h"

#include <algorithm>

namespace remediator::remediation {
namespace {

class MemoryStateStore final : public StateStore {
 public:
  Status Commit() override { return Status::Ok(); }
};

}  // namespace

int64_t StateStore::CountEvents(EventKind kind, std::string_view key, int64_t since_ns) const {
  auto it = events_.find(std::make_pair(static_cast<int>(kind), key));
  if (it == events_.end()) return 0;
  const std::vector<int64_t>& t = it->second;
  return t.end() - std::lower_bound(t.begin(), t.end(), since_ns);
}

int64_t StateStore::OldestEvent(EventKind kind, std::string_view key, int64_t since_ns) const {
  auto it = events_.find(std::make_pair(static_cast<int>(kind), key));
  if (it == events_.end()) return INT64_MAX;
  const std::vector<int64_t>& t = it->second;
  auto first = std::lower_bound(t.begin(), t.end(), since_ns);
  return first == t.end() ? INT64_MAX : *first;
}

void StateStore::LoadEvent(EventKind kind, std::string key, int64_t at_ns) {
  std::vector<int64_t>& t = events_[std::make_pair(static_cast<int>(kind), std::move(key))];
  t.insert(std::upper_bound(t.begin(), t.end(), at_ns), at_ns);
}

void StateStore::AddEvent(EventKind kind, std::string_view key, int64_t at_ns,
                          int64_t keep_since_ns) {
  EventKey k = std::make_pair(static_cast<int>(kind), std::string(key));
  std::vector<int64_t>& t = events_[k];
  t.erase(t.begin(), std::lower_bound(t.begin(), t.end(), keep_since_ns));
  t.insert(std::upper_bound(t.begin(), t.end(), at_ns), at_ns);
  OnAddEvent(kind, key, at_ns, keep_since_ns);
  // Forget keys whose events all expired, so the map does not grow without bound.
  for (auto it = events_.begin(); it != events_.end();) {
    if (it->first.first == k.first && !it->second.empty() && it->second.back() < keep_since_ns) {
      it = events_.erase(it);
    } else {
      ++it;
    }
  }
}

CircuitRecord StateStore::GetCircuit(std::string_view playbook) const {
  auto it = circuits_.find(playbook);
  return it == circuits_.end() ? CircuitRecord{} : it->second;
}

void StateStore::PutCircuit(std::string_view playbook, const CircuitRecord& record) {
  circuits_[std::string(playbook)] = record;
  OnPutCircuit(playbook, record);
}

void StateStore::SetPaused(bool paused) {
  paused_ = paused;
  OnSetPaused(paused);
}

void StateStore::AddPending(const PendingRun& run) {
  pending_[run.decision_id] = run.decision_json;
  OnAddPending(run);
}

void StateStore::RemovePending(std::string_view decision_id) {
  auto it = pending_.find(decision_id);
  if (it != pending_.end()) pending_.erase(it);
  OnRemovePending(decision_id);
}

std::unique_ptr<StateStore> NewMemoryStateStore() { return std::make_unique<MemoryStateStore>(); }

}  // namespace remediator::remediation
