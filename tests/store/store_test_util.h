// Helpers for the store tests: temp folders, entries, reading everything back.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/labels.h"
#include "store/store.h"

namespace remediator::store::testing {

// A fresh folder under $TMPDIR, removed at destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/store_test_XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline LogEntry Entry(const Labels& labels, int64_t ts, std::string line) {
  LogEntry e;
  e.timestamp_ns = ts;
  e.line = std::move(line);
  e.labels = labels;
  return e;
}

struct Got {
  std::string stream;
  int64_t ts;
  std::string line;
  bool operator==(const Got&) const = default;
};
inline std::ostream& operator<<(std::ostream& os, const Got& g) {
  return os << g.stream << " " << g.ts << " " << g.line;
}

inline std::vector<Got> SelectAll(const logql::StreamSource& src, std::vector<LabelMatcher> matchers,
                                  int64_t start = INT64_MIN, int64_t end = INT64_MAX,
                                  logql::Direction dir = logql::Direction::kForward) {
  logql::StreamSelection sel;
  sel.matchers = std::move(matchers);
  sel.start_ns = start;
  sel.end_ns = end;
  sel.direction = dir;
  std::vector<Got> out;
  Status st = src.Select(sel, [&](const Labels& labels, logql::EntryCursor& cursor) {
    logql::EntryView v;
    while (cursor.Next(v)) out.push_back(Got{FormatLabels(labels), v.timestamp_ns, std::string(v.line)});
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

inline LabelMatcher M(std::string name, MatchOp op, std::string value) {
  return LabelMatcher::Create(std::move(name), op, std::move(value)).value();
}

// Forwards to a store with every selection first changed by `edit` (a hint taken away, to
// compare answers with and without it).
class EditedSelections final : public logql::StreamSource {
 public:
  EditedSelections(const Store& store, std::function<void(logql::StreamSelection&)> edit)
      : store_(store), edit_(std::move(edit)) {}
  Status Select(const logql::StreamSelection& selection, const Visitor& visit) const override {
    logql::StreamSelection s = selection;
    edit_(s);
    return store_.Select(s, visit);
  }
  std::vector<logql::StreamSelection> Split(const logql::StreamSelection& selection, int n) const override {
    std::vector<logql::StreamSelection> parts = store_.Split(selection, n);
    for (logql::StreamSelection& p : parts) edit_(p);
    return parts;
  }

 private:
  const Store& store_;
  std::function<void(logql::StreamSelection&)> edit_;
};

// A store in `dir` sealing a block every `block_bytes` of lines; fails the test if it does not open.
inline std::unique_ptr<Store> OpenSmallBlocks(const std::string& dir, size_t block_bytes) {
  StoreOptions o;
  o.dir = dir;
  o.block_bytes = block_bytes;
  auto opened = Store::Open(o);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(opened).value() : nullptr;
}

// RawEntry views of `lines` (which must outlive them), all at time `ts`.
inline std::vector<RawEntry> RawLines(const std::vector<std::string>& lines, int64_t ts) {
  std::vector<RawEntry> raw;
  for (const std::string& l : lines) raw.push_back(RawEntry{ts, l, {}});
  return raw;
}

// `raw` as one section frame, compressed by a SectionCompressor at zstd level 1.
struct CompressedSection {
  std::string frame;
  uint64_t raw_bytes = 0;
};
inline CompressedSection CompressSection(std::span<const RawEntry> raw) {
  SectionCompressor compressor(1);
  CompressedSection out;
  const Status st = compressor.Compress(raw, out.frame, out.raw_bytes);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

}  // namespace remediator::store::testing
