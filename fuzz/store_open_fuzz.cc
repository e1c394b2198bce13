// libFuzzer target for the store's crash recovery (docs/formats/store.md, "Recovery"): a
// small valid store (two sealed blocks, one of them written as a deferred open block, a WAL
// with plain, compressed and unlogged-then-logged records, a half-written block) is built
// once; each input damages a copy of its files and Store::Open must then open it or fail
// with a Status — never crash, hang or leak — and an opened store must answer queries, take
// an Append and Close.
//
// Input: up to four commands, each
//   byte mode | byte file | fixed32 offset | fixed16 n | n bytes of data (or the rest)
// mode % 8: 0 overwrite at offset, 1 truncate at offset, 2 append, 3 replace the file,
// 4 add a WAL, 5 add a block (sequence number = offset, or UINT64_MAX - offset when file & 1;
// file >> 1 & 3 chooses the suffix: as is, + ".tmp", + ".damaged"), 6 remove the file, 7 copy
// the file to a new sequence number (as 4 and 5). `file` picks among the files present.
//
// Properties checked besides "no crash":
// - entries of block and WAL files no command touched are all still there, unless a block
//   name was added (a block with a higher sequence number makes lower WALs obsolete);
// - with only truncations and removals, Open, the queries, Append and Close succeed, no
//   entry comes that was not written, forward, backward and Split parts agree;
// - what the first Open saw plus the Append is what a reopen after Close sees.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/labels.h"
#include "store/file_util.h"
#include "store/framing.h"
#include "store/log_format.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using remediator::Label;
using remediator::LabelMatcher;
using remediator::Labels;
using remediator::LogEntry;
using remediator::MakeLabels;
using remediator::Status;
using remediator::logql::Direction;
using remediator::logql::EntryCursor;
using remediator::logql::EntryView;
using remediator::logql::StreamSelection;
using remediator::store::Checkpoint;
using remediator::store::Store;
using remediator::store::StoreOptions;

[[noreturn]] void Fail(std::string_view why) {
  std::fprintf(stderr, "store_open_fuzz: %.*s\n", static_cast<int>(why.size()), why.data());
  std::abort();
}

std::string MakeTempDir(const char* name) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = fmt::format("{}/{}_XXXXXX", base && *base ? base : "/tmp", name);
  if (::mkdtemp(tmpl.data()) == nullptr) Fail("mkdtemp");
  return tmpl;
}

void WriteFile(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) Fail("write " + path);
}

// Name -> bytes of the regular files in `dir`.
std::map<std::string, std::string> ReadDir(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& f : fs::directory_iterator(dir)) {
    if (!f.is_regular_file()) continue;
    auto bytes = remediator::store::ReadWholeFile(f.path().string());
    if (!bytes.ok()) Fail(bytes.status().ToString());
    files[f.path().filename().string()] = std::move(bytes).value();
  }
  return files;
}

StoreOptions Options(const std::string& dir) {
  StoreOptions o;
  o.dir = dir;
  o.block_bytes = 16 << 10;
  o.sync = false;
  o.seal_threads = 1;
  o.deferred_block_bytes = 1 << 20;
  return o;
}

// One entry (stream, time, line, structured metadata) as a hash: comparing strings in this
// harness would cost more than the store's work and feed libFuzzer useless comparisons.
uint64_t Key(const Labels& labels, int64_t ts, std::string_view line, std::span<const Label> sm) {
  std::string k = fmt::format("{}\x1f{}\x1f{}", remediator::FormatLabels(labels), ts, line);
  for (const Label& l : sm) k += fmt::format("\x1f{}={}", l.name, l.value);
  return std::hash<std::string>()(k);
}

StreamSelection Everything(Direction dir = Direction::kForward) {
  StreamSelection sel;
  sel.start_ns = INT64_MIN;
  sel.end_ns = INT64_MAX;
  sel.direction = dir;
  return sel;
}

// Every entry `sel` yields, as sorted keys; a Status when the store cannot read them.
Status ReadAll(const Store& store, const StreamSelection& sel, std::vector<uint64_t>& out) {
  out.clear();
  Status st = store.Select(sel, [&](const Labels& labels, EntryCursor& cursor) {
    EntryView v;
    while (cursor.Next(v)) out.push_back(Key(labels, v.timestamp_ns, v.line, v.structured_metadata));
    return Status::Ok();
  });
  std::sort(out.begin(), out.end());
  return st;
}

bool IsSubset(const std::vector<uint64_t>& part, const std::vector<uint64_t>& whole) {
  return std::includes(whole.begin(), whole.end(), part.begin(), part.end());
}

std::vector<uint64_t> Merged(std::vector<uint64_t> a, const std::vector<uint64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  return a;
}

std::string Line(std::string_view what, int i, size_t pad = 0) {
  std::string s = fmt::format("{} {} ", what, i);
  for (size_t k = 0; s.size() < pad; ++k) s.push_back(static_cast<char>('a' + (k * 7 + i) % 26));
  return s;
}

bool IsWal(std::string_view name) { return name.starts_with("wal-") && name.ends_with(".log"); }
bool IsBlock(std::string_view name) { return name.starts_with("blk-") && name.ends_with(".blk"); }

// The valid store every input damages: its files' bytes, and each block's and WAL's entries
// (read from a folder holding that file alone).
struct Template {
  std::map<std::string, std::string> files;
  std::map<std::string, std::vector<uint64_t>> entries;  // by file name, sorted Keys
  std::vector<uint64_t> all;                             // sorted Keys
};

const Template& GetTemplate() {
  static const Template* tpl = [] {
    auto* t = new Template;
    const Labels a = MakeLabels({{"job", "a"}});
    const Labels b = MakeLabels({{"env", "prod"}, {"job", "b"}});
    const Labels c = MakeLabels({{"job", "c"}});
    auto entry = [](const Labels& labels, int64_t ts, std::string line, Labels sm = {}) {
      LogEntry e;
      e.labels = labels;
      e.timestamp_ns = ts;
      e.line = std::move(line);
      e.structured_metadata = std::move(sm);
      return e;
    };
    auto check = [](const Status& st, std::string_view what) {
      if (!st.ok()) Fail(fmt::format("template: {}: {}", what, st.ToString()));
    };
    const std::string dir = MakeTempDir("store_open_fuzz_template");
    std::string tmp_name, tmp_bytes;
    {
      auto opened = Store::Open(Options(dir));
      check(opened.status(), "open");
      Store& store = *opened.value();
      // Block 1: plain lines with structured metadata, JSON lines (a JSON-columns section).
      std::vector<LogEntry> batch;
      for (int i = 0; i < 8; ++i) {
        batch.push_back(entry(a, 1000 + i, Line("plain", i), MakeLabels({{"trace_id", fmt::format("t{}", i)}})));
        batch.push_back(entry(b, 1000 + 2 * i,
                              fmt::format(R"({{"level":"{}","msg":"request {}","status":{}}})",
                                          i % 3 ? "info" : "error", i, 200 + i % 4)));
      }
      batch.push_back(entry(c, 999, "c first"));
      check(store.Append(batch, std::vector<Checkpoint>{{"file-a", "inode-1", 100}}), "append 1");
      check(store.Seal(), "seal 1");
      // Block 2: a batch of half a block, into the open block (blk-2.blk.tmp), then sealed.
      batch.clear();
      for (int i = 0; i < 20; ++i) batch.push_back(entry(i % 2 ? a : c, 2000 + i, Line("big", i, 500)));
      uint64_t ticket = 0;
      check(store.AppendDeferred(batch, std::vector<Checkpoint>{{"file-a", "inode-1", 200}}, ticket), "deferred big");
      for (const auto& [name, bytes] : ReadDir(dir)) {
        if (name.ends_with(remediator::store::kTempSuffix)) tmp_name = name, tmp_bytes = bytes;
      }
      check(store.SealDeferred(), "seal deferred");
      // The WAL: a plain record, a compressed one (4 KiB or more), a backlog batch logged by
      // SealDeferred, an unsynced deferred record and a record of checkpoints alone.
      batch = {entry(a, 3000, "wal plain 0", MakeLabels({{"user", "u1"}})), entry(b, 3001, R"({"level":"warn"})"),
               entry(MakeLabels({{"job", "d"}}), 2999, "wal new stream")};
      check(store.Append(batch, std::vector<Checkpoint>{{"file-b", "inode-2", 10}}), "append plain");
      batch.clear();
      for (int i = 0; i < 10; ++i) batch.push_back(entry(i % 3 ? a : b, 3100 + i, Line("wal compressed", i, 500)));
      check(store.Append(batch, std::vector<Checkpoint>{{"file-a", "inode-1", 300}}), "append compressed");
      batch = {entry(c, 3200, "backlog 0"), entry(c, 3199, "backlog 1", MakeLabels({{"k", "v"}}))};
      check(store.AppendDeferred(batch, std::vector<Checkpoint>{{"file-c", "inode-3", 7}}, ticket, true), "backlog");
      check(store.SealDeferred(), "seal deferred 2");
      batch = {entry(a, 3300, "deferred small")};
      check(store.AppendDeferred(batch, {}, ticket), "deferred small");
      check(store.Append({}, std::vector<Checkpoint>{{"file-b", "inode-2", 20}}), "append checkpoint");
      // A crash now: the files as they are (the store is closed only after they are read).
      t->files = ReadDir(dir);
    }
    fs::remove_all(dir);
    if (tmp_name.empty()) Fail("template: no open block");
    // A half-written block left by an earlier crash (recovery removes it).
    t->files["blk-00000000000000ff.blk" + std::string(remediator::store::kTempSuffix)] = tmp_bytes;
    for (const auto& [name, bytes] : t->files) {
      if (!IsWal(name) && !IsBlock(name)) continue;
      const std::string one = MakeTempDir("store_open_fuzz_file");
      WriteFile(one + "/" + name, bytes);
      StoreOptions o = Options(one);
      o.read_only = true;
      auto opened = Store::Open(o);
      check(opened.status(), "open " + name);
      check(ReadAll(*opened.value(), Everything(), t->entries[name]), "read " + name);
      if (t->entries[name].empty()) Fail("template: no entries in " + name);
      t->all = Merged(t->all, t->entries[name]);
      opened.value().reset();
      fs::remove_all(one);
    }
    if (t->entries.size() != 3) Fail("template: expected two blocks and a WAL");
    bool compressed = false;  // a WAL record of 4 KiB or more
    for (const auto& [name, bytes] : t->files) {
      if (!IsWal(name)) continue;
      remediator::store::FrameReader reader(bytes);
      for (std::string_view payload; reader.Next(payload);) {
        const auto type = static_cast<char>(remediator::store::WalRecordType::kCompressed);
        compressed = compressed || payload.starts_with(type);
      }
    }
    if (!compressed) Fail("template: no compressed WAL record");
    return t;
  }();
  return *tpl;
}

struct Command {
  uint8_t mode = 0;
  uint8_t file = 0;
  uint32_t offset = 0;
  std::string_view data;
};

std::vector<Command> ParseCommands(const uint8_t* data, size_t size) {
  std::vector<Command> out;
  constexpr size_t kHeader = 8;
  while (size >= kHeader && out.size() < 4) {
    Command c;
    c.mode = data[0] % 8;
    c.file = data[1];
    c.offset = static_cast<uint32_t>(data[2] | data[3] << 8 | data[4] << 16 | static_cast<uint32_t>(data[5]) << 24);
    const size_t n = std::min<size_t>(data[6] | data[7] << 8, size - kHeader);
    c.data = std::string_view(reinterpret_cast<const char*>(data + kHeader), n);
    data += kHeader + n;
    size -= kHeader + n;
    out.push_back(c);
  }
  return out;
}

// What the commands did to the template's files.
struct Damage {
  std::map<std::string, std::string> files;
  std::vector<std::string> touched;  // names a command changed, removed or created
  bool added_block = false;          // a file now named like a block that was not one
  bool only_removes = true;          // only truncations and removals
};

Damage Apply(const std::vector<Command>& commands, const Template& tpl) {
  Damage d;
  d.files = tpl.files;
  for (const Command& c : commands) {
    if (d.files.empty() && c.mode != 4 && c.mode != 5) continue;
    auto it = d.files.begin();
    if (!d.files.empty()) std::advance(it, c.file % d.files.size());
    const std::string name = it == d.files.end() ? "" : it->first;
    auto new_name = [&](bool wal) {
      const uint64_t seq = c.file & 1 ? UINT64_MAX - c.offset : c.offset;
      static constexpr const char* kSuffixes[] = {"", ".tmp", ".damaged", ""};
      return fmt::format("{}{:016x}{}{}", wal ? "wal-" : "blk-", seq, wal ? ".log" : ".blk",
                         kSuffixes[c.file >> 1 & 3]);
    };
    std::string target = name;
    switch (c.mode) {
      case 0: {  // overwrite
        std::string& f = it->second;
        const size_t at = c.offset % (f.size() + 1);
        if (f.size() < at + c.data.size()) f.resize(at + c.data.size());
        f.replace(at, c.data.size(), c.data);
        d.only_removes = d.only_removes && c.data.empty();
        break;
      }
      case 1:  // truncate
        it->second.resize(c.offset % (it->second.size() + 1));
        break;
      case 2:  // append
        it->second.append(c.data);
        d.only_removes = d.only_removes && c.data.empty();
        break;
      case 3:  // replace
        it->second.assign(c.data);
        d.only_removes = false;
        break;
      case 4:  // add a WAL
      case 5:  // add a block
        target = new_name(c.mode == 4);
        d.files[target].assign(c.data);
        d.only_removes = false;
        break;
      case 6:  // remove
        d.files.erase(it);
        break;
      case 7: {  // copy
        target = new_name(!IsBlock(name));
        std::string bytes = it->second;
        d.files[target] = std::move(bytes);
        d.only_removes = false;
        break;
      }
    }
    if (IsBlock(target) && !tpl.files.contains(target)) d.added_block = true;
    d.touched.push_back(target);
  }
  return d;
}

// Reads `store` every way a query can; `all` gets every entry (sorted keys). Returns false
// when a read failed (with a Status: damaged sections are found only when read).
bool Query(const Store& store, bool authentic, std::vector<uint64_t>& all) {
  if (!ReadAll(store, Everything(), all).ok()) {
    if (authentic) Fail("select failed on an undamaged store");
    return false;
  }
  std::vector<uint64_t> got;
  const bool backward_ok = ReadAll(store, Everything(Direction::kBackward), got).ok();
  if (authentic && (!backward_ok || got != all)) Fail("backward select differs");
  // Split parts together are the whole selection.
  std::vector<uint64_t> parts;
  bool parts_ok = true;
  for (const StreamSelection& part : store.Split(Everything(), 3)) {
    parts_ok = ReadAll(store, part, got).ok() && parts_ok;
    parts = Merged(std::move(parts), got);
  }
  if (authentic && (!parts_ok || parts != all)) Fail("split parts differ");
  // Hints: a literal (trigram filters, zstd literals), JSON projection, line tests; a
  // selector on one stream.
  StreamSelection sel = Everything(Direction::kBackward);
  sel.line_contains = {"request", "big"};
  (void)ReadAll(store, sel, got);
  sel = Everything();
  sel.json_labels = std::vector<std::string>{"level", "status"};
  (void)ReadAll(store, sel, got);
  sel = Everything();
  sel.line_tests = std::vector<std::string>{"info", "wal"};
  (void)ReadAll(store, sel, got);
  sel = Everything();
  sel.matchers.push_back(LabelMatcher::Create("job", remediator::MatchOp::kEqual, "a").value());
  sel.start_ns = 1005;
  sel.end_ns = 3150;
  (void)ReadAll(store, sel, got);
  (void)store.Streams({});
  (void)store.Checkpoints();
  (void)store.Stats();
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Template& tpl = GetTemplate();
  const Damage damage = Apply(ParseCommands(data, size), tpl);
  const std::string dir = MakeTempDir("store_open_fuzz");
  for (const auto& [name, bytes] : damage.files) WriteFile(dir + "/" + name, bytes);
  // The entries of the block and WAL files no command touched must survive.
  std::vector<uint64_t> kept;
  for (const auto& [name, entries] : tpl.entries) {
    if (std::find(damage.touched.begin(), damage.touched.end(), name) == damage.touched.end()) {
      kept = Merged(std::move(kept), entries);
    }
  }
  const bool authentic = damage.only_removes;
  const bool check_kept = !damage.added_block;

  {  // Read-only: opens or fails, and changes nothing on disk.
    StoreOptions o = Options(dir);
    o.read_only = true;
    {
      auto opened = Store::Open(o);
      if (authentic && !opened.ok()) Fail("read-only open failed: " + opened.status().ToString());
      std::vector<uint64_t> all;
      if (opened.ok() && ReadAll(*opened.value(), Everything(), all).ok()) {
        if (check_kept && !IsSubset(kept, all)) Fail("read-only: entries of undamaged files are missing");
        if (authentic && !IsSubset(all, tpl.all)) Fail("read-only: entries that were never written");
      }
    }
    if (ReadDir(dir) != damage.files) Fail("read-only open changed the folder");
  }

  LogEntry appended;
  appended.labels = MakeLabels({{"job", "appended"}});
  appended.timestamp_ns = 5000;
  appended.line = "appended after open";
  appended.structured_metadata = MakeLabels({{"n", "1"}});
  std::vector<uint64_t> before;
  bool queried = false, committed = false;
  {
    auto opened = Store::Open(Options(dir));
    if (authentic && !opened.ok()) Fail("open failed: " + opened.status().ToString());
    if (opened.ok()) {
      Store& store = *opened.value();
      queried = Query(store, authentic, before);
      if (queried) {
        if (check_kept && !IsSubset(kept, before)) Fail("entries of undamaged files are missing");
        if (authentic && !IsSubset(before, tpl.all)) Fail("entries that were never written");
      }
      const std::vector<Checkpoint> cps = {{"fuzz", "appended", 1}};
      Status st = store.Append(std::span<const LogEntry>(&appended, 1), cps);
      if (authentic && !st.ok()) Fail("append failed: " + st.ToString());
      if (st.ok()) {
        auto cp = store.GetCheckpoint("fuzz");
        if (!cp || cp->offset != 1) Fail("appended checkpoint missing");
      }
      Status closed = store.Close();
      if (authentic && !closed.ok()) Fail("close failed: " + closed.ToString());
      committed = st.ok() && closed.ok();
      if (committed && queried) {
        (void)store.Checkpoints();
        (void)store.Stats();
      }
    }
  }
  if (committed) {
    // Committed and closed: a reopen sees what the first Open saw, plus the Append.
    auto reopened = Store::Open(Options(dir));
    if (!reopened.ok()) Fail("reopen after close failed: " + reopened.status().ToString());
    Store& store = *reopened.value();
    std::vector<uint64_t> after;
    if (ReadAll(store, Everything(), after).ok() && queried) {
      std::vector<uint64_t> expected = before;
      expected.push_back(Key(appended.labels, appended.timestamp_ns, appended.line, appended.structured_metadata));
      std::sort(expected.begin(), expected.end());
      if (after != expected) Fail(fmt::format("reopen: {} entries, expected {}", after.size(), expected.size()));
    }
    auto cp = store.GetCheckpoint("fuzz");
    if (!cp || cp->offset != 1) Fail("reopen: appended checkpoint lost");
    if (!store.Close().ok() && authentic) Fail("second close failed");
  }
  fs::remove_all(dir);
  return 0;
}
