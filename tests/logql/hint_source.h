// A stream source for the engine's hint tests (StreamSelection::json_labels, line_tests):
// records one hint of every selection it gets and, when told to act on it, hands each line
// through `Cursor` (constructed from the inner cursor and the hint's strings).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "logql/stream_source.h"

namespace remediator::logql::testing {

template <class Cursor>
class HintSource final : public StreamSource {
 public:
  using Hint = std::optional<std::vector<std::string>>;
  HintSource(const StreamSource& inner, Hint StreamSelection::*hint, bool act)
      : inner_(inner), hint_(hint), act_(act) {}

  Status Select(const StreamSelection& sel, const Visitor& visit) const override {
    const Hint& hint = sel.*hint_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(hint);
    }
    if (!act_ || !hint) return inner_.Select(sel, visit);
    return inner_.Select(sel, [&](const Labels& stream, EntryCursor& entries) {
      Cursor cursor(entries, *hint);
      return visit(stream, cursor);
    });
  }
  std::vector<StreamSelection> Split(const StreamSelection& sel, int n) const override { return inner_.Split(sel, n); }

  std::vector<Hint> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  const StreamSource& inner_;
  Hint StreamSelection::*hint_;
  const bool act_;
  mutable std::mutex mu_;
  mutable std::vector<Hint> seen_;
};

}  // namespace remediator::logql::testing
