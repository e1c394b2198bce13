#include "store/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <numeric>

#include <fmt/format.h>

#include "store/coding.h"
#include "store/framing.h"
#include "store/log_format.h"
#include "store/section.h"
#include "store/trigram_filter.h"

#include <zstd.h>

namespace remediator::store {
namespace {

// Parses "<prefix><16 hex><suffix>"; false when `name` is not such a name.
bool ParseSeq(std::string_view name, std::string_view prefix, std::string_view suffix, uint64_t& seq) {
  if (name.size() != prefix.size() + 16 + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix)) {
    return false;
  }
  seq = 0;
  for (char c : name.substr(prefix.size(), 16)) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else return false;
    seq = seq * 16 + static_cast<uint64_t>(v);
  }
  return true;
}

// The hash of a label set for the in-memory stream map (never stored): 8 bytes at a time
// with a multiply-xorshift per word, several times cheaper than std::hash per string on the
// short strings labels are (Intern runs once per appended entry).
uint64_t HashLabels(const Labels& labels) {
  auto mix = [](uint64_t h, uint64_t v) {
    h = (h ^ v) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 32);
  };
  auto bytes = [&mix](uint64_t h, std::string_view s) {
    h = mix(h, s.size());
    const char* p = s.data();
    size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t v;
      std::memcpy(&v, p, 8);
      h = mix(h, v);
    }
    if (n > 0) {
      uint64_t v = 0;
      std::memcpy(&v, p, n);
      h = mix(h, v);
    }
    return h;
  };
  uint64_t h = labels.size();
  for (const Label& l : labels) {
    h = bytes(h, l.name);
    h = bytes(h, l.value);
  }
  return h;
}

void EncodeLabelsTo(std::string& out, const Labels& labels) {
  PutVarint(out, labels.size());
  for (const Label& l : labels) {
    PutString(out, l.name);
    PutString(out, l.value);
  }
}

}  // namespace

Store::Store(StoreOptions options)
    : options_(std::move(options)),
      clock_(options_.clock ? options_.clock : &system_clock_),
      wal_cctx_(ZSTD_createCCtx(), [](void* c) { ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(c)); }) {}

Store::~Store() {
  (void)Close();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::string Store::WalPath(uint64_t seq) const {
  return fmt::format("{}/{}{:016x}{}", options_.dir, kWalPrefix, seq, kWalSuffix);
}
std::string Store::BlockPath(uint64_t seq) const {
  return fmt::format("{}/{}{:016x}{}", options_.dir, kBlockPrefix, seq, kBlockSuffix);
}

Result<std::unique_ptr<Store>> Store::Open(StoreOptions options) {
  if (options.dir.empty()) return InvalidArgument("store: no folder given");
  while (options.dir.size() > 1 && options.dir.back() == '/') options.dir.pop_back();
  if (options.block_bytes == 0) options.block_bytes = 1;
  std::unique_ptr<Store> store(new Store(std::move(options)));
  REMEDIATOR_RETURN_IF_ERROR(store->Recover().WithPrefix("store " + store->options_.dir));
  return store;
}

uint32_t Store::Intern(const Labels& labels) {
  // Hash first: with interleaved streams the previous entry's set rarely matches, and a
  // failed comparison of two label sets costs about as much as the hash.
  const uint64_t h = HashLabels(labels);
  if (h == last_hash_ && last_id_ < streams_.size() && streams_[last_id_]->labels == labels) return last_id_;
  last_hash_ = h;
  for (auto [it, end] = ids_.equal_range(h); it != end; ++it) {
    if (streams_[it->second]->labels == labels) return last_id_ = it->second;
  }
  const auto id = static_cast<uint32_t>(streams_.size());
  auto st = std::make_unique<StreamState>(&pending_chunks_);
  st->labels = labels;
  streams_.push_back(std::move(st));
  ids_.emplace(h, id);
  for (const Label& l : labels) postings_[l.name][l.value].push_back(id);
  return last_id_ = id;
}

void Store::AddToHead(uint32_t id, int64_t ts, std::string_view line, std::span<const Label> sm) {
  StreamState& s = *streams_[id];
  s.head.Add(ts, line, sm);
  s.head_min = std::min(s.head_min, ts);
  s.head_max = std::max(s.head_max, ts);
  ++head_entries_;
  head_bytes_ += line.size() + EntryBuffer::kEntryOverhead;  // what the head costs in memory, roughly
}

void Store::AddBlock(uint64_t seq, std::shared_ptr<BlockFile> block) {
  const BlockIndex& idx = block->index();
  for (uint32_t i = 0; i < idx.sections.size(); ++i) {
    const SectionMeta& m = idx.sections[i];
    const uint32_t id = Intern(m.labels);
    if (options_.index_sections) streams_[id]->sections.push_back(SectionRef{block, i, m.min_ts, m.max_ts});
  }
  SealedBlock sealed{nullptr, seq, idx.max_ts, block->file_size(), block->raw_bytes(), block->entries()};
  if (options_.index_sections) {
    block->DropSectionLabels();
    sealed.file = std::move(block);
  }
  blocks_.push_back(std::move(sealed));
}

Status Store::OpenWal(uint64_t seq, uint64_t size) {
  wal_seq_ = seq;
  for (auto& s : streams_) s->declared_in_wal = false;
  REMEDIATOR_RETURN_IF_ERROR(wal_.Open(WalPath(seq), size));
  wal_synced_size_ = size;
  return SyncDir(options_.dir);
}

Status Store::ReplayWal(const std::string& path, uint64_t& good_size) {
  REMEDIATOR_ASSIGN_OR_RETURN(std::string data, ReadWholeFile(path));
  FrameReader reader(data);
  std::string_view payload;
  std::map<uint64_t, uint32_t> local_ids;  // id in this file -> stream id
  std::vector<Label> sm;
  good_size = 0;
  std::string inflated;
  while (reader.Next(payload)) {
    if (!payload.empty() && static_cast<uint8_t>(payload[0]) == static_cast<uint8_t>(WalRecordType::kCompressed)) {
      if (!Decompress(payload.substr(1), kMaxRecordSize, inflated).ok()) break;
      payload = inflated;
    }
    // Decode the whole record before applying any of it: a record is all or nothing.
    Decoder d(payload);
    uint8_t type;
    uint64_t n;
    bool ok = d.GetByte(type) && type == static_cast<uint8_t>(WalRecordType::kBatch) && d.GetCount(n);
    std::vector<std::pair<uint64_t, Labels>> decls;
    for (uint64_t i = 0; ok && i < n; ++i) {
      uint64_t local, nl;
      Labels labels;
      ok = d.GetVarint(local) && d.GetCount(nl);
      for (uint64_t k = 0; ok && k < nl; ++k) {
        Label l;
        ok = d.GetString(l.name) && d.GetString(l.value);
        labels.push_back(std::move(l));
      }
      if (ok) decls.emplace_back(local, std::move(labels));
    }
    struct Pending {
      uint64_t local;
      int64_t ts;
      std::string_view line;
      size_t sm_begin, sm_count;
    };
    std::vector<Pending> entries;
    sm.clear();
    ok = ok && d.GetCount(n);
    for (uint64_t i = 0; ok && i < n; ++i) {
      Pending p{};
      uint64_t pairs = 0;
      ok = d.GetVarint(p.local) && d.GetSigned(p.ts) && d.GetString(p.line) && d.GetCount(pairs);
      p.sm_begin = sm.size();
      p.sm_count = pairs;
      for (uint64_t k = 0; ok && k < pairs; ++k) {
        Label l;
        ok = d.GetString(l.name) && d.GetString(l.value);
        sm.push_back(std::move(l));
      }
      if (ok) entries.push_back(p);
    }
    std::vector<Checkpoint> cps;
    ok = ok && d.GetCount(n);
    for (uint64_t i = 0; ok && i < n; ++i) {
      Checkpoint c;
      ok = d.GetString(c.source) && d.GetString(c.identity) && d.GetSigned(c.offset);
      cps.push_back(std::move(c));
    }
    ok = ok && d.done();
    std::map<uint64_t, uint32_t> ids = local_ids;
    for (auto& [local, labels] : decls) ids[local] = Intern(MakeLabels(std::move(labels)));
    for (const Pending& p : entries) ok = ok && ids.count(p.local) > 0;
    if (!ok) break;  // a checksummed but malformed record ends the log like a torn one
    local_ids = std::move(ids);
    for (const Pending& p : entries) {
      AddToHead(local_ids[p.local], p.ts, p.line,
                std::span<const Label>(sm).subspan(p.sm_begin, p.sm_count));
    }
    for (Checkpoint& c : cps) checkpoints_[c.source] = std::move(c);
    if (!cps.empty()) checkpoints_dirty_ = true;
    good_size = reader.good_bytes();
  }
  if (good_size < data.size()) recovered_torn_bytes_ += data.size() - good_size;
  return Status::Ok();
}

Status Store::Recover() {
  // No reader can see the store yet; write_mu_ keeps the *Locked helpers' contract.
  std::lock_guard wlock(write_mu_);
  const bool ro = options_.read_only;
  if (ro) {
    closed_ = true;  // no WAL: Append and Seal fail
  } else {
    REMEDIATOR_RETURN_IF_ERROR(MakeDirs(options_.dir));
    const std::string lock_path = options_.dir + "/LOCK";
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) return Internal("open " + lock_path);
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return FailedPrecondition("in use by another process (" + lock_path + " is locked)");
    }
  }
  REMEDIATOR_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(options_.dir));
  std::vector<uint64_t> block_seqs, wal_seqs;
  for (const std::string& name : names) {
    uint64_t seq;
    if (std::string_view(name).ends_with(kTempSuffix)) {
      if (ro) continue;
      REMEDIATOR_RETURN_IF_ERROR(RemoveFile(options_.dir + "/" + name));  // a half-written block
    } else if (ParseSeq(name, kBlockPrefix, kBlockSuffix, seq)) {
      block_seqs.push_back(seq);
    } else if (ParseSeq(name, kWalPrefix, kWalSuffix, seq)) {
      wal_seqs.push_back(seq);
    }
  }
  std::sort(block_seqs.begin(), block_seqs.end());
  std::sort(wal_seqs.begin(), wal_seqs.end());
  uint64_t max_block = 0;
  std::vector<Checkpoint> newest_checkpoints;  // the newest block's hold the committed ones
  for (uint64_t seq : block_seqs) {
    auto block = BlockFile::Open(BlockPath(seq), options_.index_sections);
    if (!block.ok()) {
      if (ro) continue;  // damaged, or deleted by the writer's retention meanwhile
      if (block.status().code() != StatusCode::kDataLoss) return block.status();
      // Set the damaged block aside rather than refuse to start; the operator can inspect it.
      std::rename(BlockPath(seq).c_str(), (BlockPath(seq) + ".damaged").c_str());
      ++damaged_blocks_;
      continue;
    }
    max_block = std::max(max_block, seq);
    newest_checkpoints = (*block)->index().checkpoints;
    AddBlock(seq, std::move(block).value());
  }
  if (!ro && max_block == UINT64_MAX) {
    // Not a name this store makes (it takes 2^64 seals): the WAL after it would wrap around
    // to 0, below the blocks, and the next start would delete it as obsolete.
    return FailedPrecondition(BlockPath(max_block) + ": no sequence number is left after it");
  }
  for (const Checkpoint& c : newest_checkpoints) checkpoints_[c.source] = c;
  uint64_t wal_seq = max_block + 1, wal_size = 0;
  for (uint64_t seq : wal_seqs) {
    if (seq <= max_block) {  // already sealed into a block; the delete did not happen
      if (!ro) REMEDIATOR_RETURN_IF_ERROR(RemoveFile(WalPath(seq)));
      continue;
    }
    Status replayed = ReplayWal(WalPath(seq), wal_size);
    if (ro && !replayed.ok()) continue;  // sealed and deleted by the writer meanwhile
    REMEDIATOR_RETURN_IF_ERROR(replayed);
    wal_seq = seq;
  }
  if (ro) return Status::Ok();
  const size_t unsealed = static_cast<size_t>(
      std::count_if(wal_seqs.begin(), wal_seqs.end(), [&](uint64_t s) { return s > max_block; }));
  REMEDIATOR_RETURN_IF_ERROR(OpenWal(wal_seq, wal_size));  // truncates a torn tail
  REMEDIATOR_RETURN_IF_ERROR(wal_.Sync());
  if (unsealed > 1) REMEDIATOR_RETURN_IF_ERROR(SealLocked());  // collapse old WALs
  return ApplyRetentionLocked();
}

Status Store::Append(std::span<const LogEntry> batch, std::span<const Checkpoint> checkpoints) {
  std::lock_guard wlock(write_mu_);
  if (closed_) return FailedPrecondition("store is closed");
  if (!broken_.ok()) return broken_;
  if (batch.empty() && checkpoints.empty()) return Status::Ok();
  REMEDIATOR_RETURN_IF_ERROR(AppendLocked(batch, checkpoints, InternBatch(batch), true));
  // Durable, and so is every deferred batch before it.
  durable_ticket_.store(last_ticket_, std::memory_order_release);
  return Status::Ok();
}

Status Store::AppendDeferred(std::span<const LogEntry> batch, std::span<const Checkpoint> checkpoints,
                             uint64_t& ticket, bool backlog) {
  std::lock_guard wlock(write_mu_);
  ticket = last_ticket_;
  if (closed_) return FailedPrecondition("store is closed");
  if (!broken_.ok()) return broken_;
  if (batch.empty() && checkpoints.empty()) return Status::Ok();
  const uint64_t cost = InternBatch(batch);
  const bool own_block = head_entries_ == 0 && 2 * cost >= options_.block_bytes;
  if (!own_block && backlog && options_.deferred_block_bytes > 0 && open_block_ == nullptr && !batch.empty()) {
    REMEDIATOR_RETURN_IF_ERROR(AddUnloggedLocked(batch, checkpoints, cost));
    ticket = ++last_ticket_;
    if (!head_unlogged_) durable_ticket_.store(last_ticket_, std::memory_order_release);  // it sealed the head
    return Status::Ok();
  }
  if (!own_block || options_.deferred_block_bytes == 0) {
    // Through the WAL or sealed with the head, as Append does (a WAL record finishes the
    // open block first). With deferred blocks, a WAL record is not fdatasync'ed here: the
    // next sync (SealDeferred, an Append, sealing the head) makes it durable. A crash may
    // lose a suffix of such records, each with its checkpoints (recovery stops at the
    // first torn frame), so resuming from the checkpoints is still exactly-once.
    const bool sync = options_.deferred_block_bytes == 0;
    REMEDIATOR_RETURN_IF_ERROR(AppendLocked(batch, checkpoints, cost, sync));
    ticket = ++last_ticket_;
    if (wal_.size() == wal_synced_size_) durable_ticket_.store(last_ticket_, std::memory_order_release);
    return Status::Ok();
  }
  if (options_.section_bytes > 0) {
    REMEDIATOR_RETURN_IF_ERROR(AddDeferredLocked(batch));
  } else {
    REMEDIATOR_RETURN_IF_ERROR(WriteSectionsLocked(batch, batch_ids_, false));
  }
  for (const Checkpoint& c : checkpoints) open_checkpoints_[c.source] = c;
  open_block_deferred_ = true;
  ticket = ++last_ticket_;
  if (open_block_lines_ >= options_.deferred_block_bytes) return FinishOpenBlockLocked();
  // The disk writes this batch while the next ones are compressed: the fdatasync that seals
  // the block then has little left to wait for.
  open_block_->StartWriteback();
  return Status::Ok();
}

Status Store::SealDeferred() {
  std::lock_guard wlock(write_mu_);
  if (!broken_.ok()) return broken_;
  if (open_block_ != nullptr) return FinishOpenBlockLocked();
  if (head_unlogged_) {
    // Their record, synced below: cheaper than a block per burst when following a file.
    REMEDIATOR_RETURN_IF_ERROR(LogUnloggedLocked(false));
  }
  if (wal_.size() != wal_synced_size_) {
    // A failed sync leaves the records unsynced (a later one may still succeed): the
    // batches stay undurable and the caller retries.
    REMEDIATOR_RETURN_IF_ERROR(wal_.Sync());
    wal_synced_size_ = wal_.size();
  }
  durable_ticket_.store(last_ticket_, std::memory_order_release);
  return Status::Ok();
}

uint64_t Store::InternBatch(std::span<const LogEntry> batch) {
  // Stream ids (Intern may add streams readers can see).
  batch_ids_.resize(batch.size());
  uint64_t cost = 0;
  {
    std::unique_lock lock(mu_);
    // Prefetch what Intern reads of the entries ahead, in three steps: the entry 48 ahead,
    // the label array (each cache line) of the one 32 ahead (its entry was fetched 16 entries ago), the
    // strings of the one 16 ahead. A batch comes from the shipper's thread, so it is cold
    // here, and without this the thread waited on a miss per label (44% of Intern's samples
    // were the first load of a label; Intern was 6.4% of ship --once's CPU). Written out
    // here: GCC drops a call to a helper that only prefetches (it has no side effects).
    constexpr size_t kAhead = 16;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (i + 3 * kAhead < batch.size()) __builtin_prefetch(&batch[i + 3 * kAhead]);
      if (i + 2 * kAhead < batch.size()) {
        const Labels& ls = batch[i + 2 * kAhead].labels;
        const char* end = reinterpret_cast<const char*>(ls.data() + ls.size());
        for (const char* p = reinterpret_cast<const char*>(ls.data()); p < end; p += 64) __builtin_prefetch(p);
      }
      if (i + kAhead < batch.size()) {
        for (const Label& l : batch[i + kAhead].labels) {
          __builtin_prefetch(l.name.data());
          __builtin_prefetch(l.value.data());
        }
      }
      batch_ids_[i] = Intern(batch[i].labels);
      cost += batch[i].line.size() + EntryBuffer::kEntryOverhead;
    }
  }
  return cost;
}

Status Store::AddUnloggedLocked(std::span<const LogEntry> batch, std::span<const Checkpoint> checkpoints,
                                uint64_t cost) {
  if (head_bytes_ + cost >= options_.block_bytes) return SealLocked(batch, batch_ids_, checkpoints);
  std::unique_lock lock(mu_);
  for (size_t i = 0; i < batch.size(); ++i) {
    StreamState& s = *streams_[batch_ids_[i]];
    s.head_unlogged_from = std::min(s.head_unlogged_from, s.head.size());
    AddToHead(batch_ids_[i], batch[i].timestamp_ns, batch[i].line, batch[i].structured_metadata);
  }
  for (const Checkpoint& c : checkpoints) unlogged_checkpoints_[c.source] = c;
  head_unlogged_ = true;
  return Status::Ok();
}

Status Store::AppendLocked(std::span<const LogEntry> batch, std::span<const Checkpoint> checkpoints,
                           uint64_t cost, bool sync) {
  // A batch that fills the head goes straight into a block with the head: no WAL record.
  // So does a batch of half a block or more when the head is empty (the last batch of a
  // --once run, say): written and compressed once, without a record to build, compress and
  // replay into the head first.
  if (!batch.empty() &&
      (head_bytes_ + cost >= options_.block_bytes || (head_entries_ == 0 && 2 * cost >= options_.block_bytes))) {
    return SealLocked(batch, batch_ids_, checkpoints);
  }
  // A WAL record must not commit checkpoints past batches of the open block that a crash
  // would lose: the open block is sealed first; the head's unlogged batches get their
  // record first.
  if (open_block_ != nullptr) REMEDIATOR_RETURN_IF_ERROR(FinishOpenBlockLocked());
  if (head_unlogged_) REMEDIATOR_RETURN_IF_ERROR(LogUnloggedLocked(false));
  wal_entries_.clear();
  for (size_t i = 0; i < batch.size(); ++i) {
    wal_entries_.push_back(WalEntry{batch_ids_[i], batch[i].timestamp_ns, batch[i].line, batch[i].structured_metadata});
  }
  REMEDIATOR_RETURN_IF_ERROR(WriteWalRecordLocked(checkpoints, sync));
  {
    std::unique_lock lock(mu_);
    for (size_t i = 0; i < batch.size(); ++i) {
      AddToHead(batch_ids_[i], batch[i].timestamp_ns, batch[i].line, batch[i].structured_metadata);
    }
    for (const Checkpoint& c : checkpoints) checkpoints_[c.source] = c;
    if (!checkpoints.empty()) checkpoints_dirty_ = true;
  }
  return Status::Ok();
}

Status Store::LogUnloggedLocked(bool sync) {
  wal_entries_.clear();
  for (uint32_t id = 0; id < streams_.size(); ++id) {
    const StreamState& s = *streams_[id];
    for (size_t i = s.head_unlogged_from; i < s.head.size(); ++i) {
      const RawEntry e = s.head.at(i);
      wal_entries_.push_back(WalEntry{id, e.timestamp_ns, e.line, e.structured_metadata});
    }
  }
  std::vector<Checkpoint> cps;
  for (const auto& [_, c] : unlogged_checkpoints_) cps.push_back(c);
  REMEDIATOR_RETURN_IF_ERROR(WriteWalRecordLocked(cps, sync));
  std::unique_lock lock(mu_);
  for (auto& sp : streams_) sp->head_unlogged_from = SIZE_MAX;
  for (Checkpoint& c : cps) checkpoints_[c.source] = std::move(c);
  if (!cps.empty()) checkpoints_dirty_ = true;
  head_unlogged_ = false;
  unlogged_checkpoints_.clear();
  return Status::Ok();
}

Status Store::WriteWalRecordLocked(std::span<const Checkpoint> checkpoints, bool sync) {
  // Declare the streams new to this WAL file first.
  std::string decls;
  uint64_t ndecl = 0;
  for (const WalEntry& e : wal_entries_) {
    StreamState& s = *streams_[e.stream];
    if (!s.declared_in_wal) {
      PutVarint(decls, e.stream);
      EncodeLabelsTo(decls, s.labels);
      ++ndecl;
      s.declared_in_wal = true;
    }
  }
  record_.clear();
  record_.push_back(static_cast<char>(WalRecordType::kBatch));
  PutVarint(record_, ndecl);
  record_.append(decls);
  PutVarint(record_, wal_entries_.size());
  for (const WalEntry& e : wal_entries_) {
    PutVarint(record_, e.stream);
    PutSigned(record_, e.timestamp_ns);
    PutString(record_, e.line);
    PutVarint(record_, e.structured_metadata.size());
    for (const Label& l : e.structured_metadata) {
      PutString(record_, l.name);
      PutString(record_, l.value);
    }
  }
  PutVarint(record_, checkpoints.size());
  for (const Checkpoint& c : checkpoints) {
    PutString(record_, c.source);
    PutString(record_, c.identity);
    PutSigned(record_, c.offset);
  }
  if (record_.size() > kMaxRecordSize) {
    for (const WalEntry& e : wal_entries_) streams_[e.stream]->declared_in_wal = false;  // conservative: re-declare
    return InvalidArgument(fmt::format("store: batch of {} bytes exceeds the record limit", record_.size()));
  }
  frame_.clear();
  if (record_.size() >= kCompressWalRecordsFrom) {
    // Big batches go to the WAL zstd-compressed (fast level): far fewer bytes to write and
    // fdatasync, for little CPU.
    compressed_.clear();
    compressed_.push_back(static_cast<char>(WalRecordType::kCompressed));
    compressed_.resize(1 + ZSTD_compressBound(record_.size()));
    const size_t n = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(wal_cctx_.get()), compressed_.data() + 1,
                                       compressed_.size() - 1, record_.data(), record_.size(), kWalZstdLevel);
    if (ZSTD_isError(n)) return Internal(std::string("store: zstd: ") + ZSTD_getErrorName(n));
    compressed_.resize(1 + n);
    AppendFramed(frame_, compressed_);
  } else {
    AppendFramed(frame_, record_);
  }
  const uint64_t old_size = wal_.size();
  Status st = wal_.Append(frame_);
  if (st.ok() && sync && options_.sync) st = wal_.Sync();
  if (st.ok() && (sync || !options_.sync)) wal_synced_size_ = wal_.size();
  if (!st.ok()) {
    // Cut the partial record off so later records stay readable after a restart.
    for (auto& s : streams_) s->declared_in_wal = false;
    Status repair = wal_.Open(WalPath(wal_seq_), old_size);
    if (!repair.ok()) broken_ = Internal("store: WAL cannot be repaired: " + repair.message());
    return Unavailable("store: " + st.message());
  }
  return Status::Ok();
}

std::vector<Checkpoint> Store::Checkpoints() const {
  std::shared_lock lock(mu_);
  std::vector<Checkpoint> out;
  for (const auto& [_, c] : checkpoints_) out.push_back(c);
  return out;
}

std::optional<Checkpoint> Store::GetCheckpoint(std::string_view source) const {
  std::shared_lock lock(mu_);
  auto it = checkpoints_.find(source);
  if (it == checkpoints_.end()) return std::nullopt;
  return it->second;
}

Status Store::Seal() {
  std::lock_guard wlock(write_mu_);
  if (closed_) return FailedPrecondition("store is closed");
  return SealLocked();
}

Status Store::SealLocked(std::span<const LogEntry> batch, std::span<const uint32_t> ids,
                         std::span<const Checkpoint> checkpoints) {
  if (open_block_ == nullptr && head_entries_ == 0 && !checkpoints_dirty_ && batch.empty() && checkpoints.empty()) {
    return Status::Ok();
  }
  REMEDIATOR_RETURN_IF_ERROR(WriteSectionsLocked(batch, ids, true));
  // The head's batches came before this one (and after the open block's: there is none
  // while the head holds unlogged batches).
  for (const auto& [source, c] : unlogged_checkpoints_) open_checkpoints_[source] = c;
  for (const Checkpoint& c : checkpoints) open_checkpoints_[c.source] = c;
  return FinishOpenBlockLocked();
}

void Store::DiscardOpenBlock() {
  for (auto& sp : streams_) {
    sp->pending.Clear();
    sp->pending_bytes = 0;
  }
  pending_bytes_ = 0;
  open_block_.reset();
  (void)RemoveFile(BlockPath(wal_seq_) + std::string(kTempSuffix));
  open_block_lines_ = 0;
  open_block_deferred_ = false;
  open_checkpoints_.clear();
}

Status Store::OpenBlockLocked() {
  if (open_block_ != nullptr) return Status::Ok();
  // Block UINT64_MAX would leave no number for the WAL after it (see Recover).
  if (wal_seq_ == UINT64_MAX) return FailedPrecondition("store: no sequence number is left for a block");
  open_block_ = std::make_unique<BlockWriter>(options_.zstd_level, options_.json_columns);
  if (Status st = open_block_->Open(BlockPath(wal_seq_) + std::string(kTempSuffix)); !st.ok()) {
    DiscardOpenBlock();
    return st;
  }
  open_checkpoints_ = checkpoints_;
  return Status::Ok();
}

Status Store::AddDeferredLocked(std::span<const LogEntry> batch) {
  // What each stream would hold pending with this batch, counting the last chunk of its
  // lines as full (with many streams, those dominate).
  std::vector<uint64_t>& after = stream_scratch_;
  after.assign(streams_.size(), 0);
  for (size_t i = 0; i < batch.size(); ++i) after[batch_ids_[i]] += batch[i].line.size() + EntryBuffer::kEntryOverhead;
  std::vector<uint8_t>& flush = flush_scratch_;
  flush.assign(streams_.size(), 0);
  uint64_t kept = 0;
  bool any = false;
  for (uint32_t id = 0; id < streams_.size(); ++id) {
    after[id] += streams_[id]->pending_bytes;
    if (after[id] >= options_.section_bytes) {
      flush[id] = 1;
      any = true;
    } else if (after[id] > 0) {
      after[id] += EntryBuffer::kChunkBytes;
      kept += after[id];
    }
  }
  while (kept > options_.section_buffer_bytes) {
    uint32_t biggest = 0;
    for (uint32_t id = 1; id < streams_.size(); ++id) {
      if (!flush[id] && (flush[biggest] || after[id] > after[biggest])) biggest = id;
    }
    if (flush[biggest]) break;  // cannot happen: what is kept is some unflushed stream's
    flush[biggest] = 1;
    kept -= after[biggest];
    any = true;
  }
  if (any) REMEDIATOR_RETURN_IF_ERROR(WriteSectionsLocked(batch, batch_ids_, false, flush));
  REMEDIATOR_RETURN_IF_ERROR(OpenBlockLocked());
  for (size_t i = 0; i < batch.size(); ++i) {
    StreamState& s = *streams_[batch_ids_[i]];
    if (flush[batch_ids_[i]]) continue;
    const LogEntry& e = batch[i];
    s.pending.Add(e.timestamp_ns, e.line, e.structured_metadata);
    const uint64_t c = e.line.size() + EntryBuffer::kEntryOverhead;
    s.pending_bytes += c;
    pending_bytes_ += c;
    open_block_lines_ += e.line.size();
  }
  return Status::Ok();
}

Status Store::WriteSectionsLocked(std::span<const LogEntry> batch, std::span<const uint32_t> ids, bool with_head,
                                  std::span<const uint8_t> only) {
  REMEDIATOR_RETURN_IF_ERROR(OpenBlockLocked());
  // One job per stream with entries: its head entries, its pending entries, then its batch
  // entries (arrival order; grouped by stream with a counting sort).
  struct Job {
    uint32_t stream;
    uint32_t worker = 0;                      // the compressor holding the frame ...
    size_t at = 0, size = 0;                  // ... and where
    uint64_t raw_bytes = 0;
    uint32_t count = 0;
    int64_t min_ts = INT64_MAX, max_ts = INT64_MIN;
    std::vector<uint16_t> trigrams;  // its lines' trigram hashes, for the block's filters
    Status status;
  };
  std::vector<uint32_t> by_stream(batch.size());
  std::vector<uint32_t> start(streams_.size() + 1, 0);
  for (uint32_t id : ids) ++start[id + 1];
  for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  {
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (uint32_t i = 0; i < ids.size(); ++i) by_stream[fill[ids[i]]++] = i;
  }
  std::vector<Job> jobs;
  uint64_t lines = 0;  // of the batch
  for (uint32_t id = 0; id < streams_.size(); ++id) {
    const StreamState& s = *streams_[id];
    if (!only.empty() && !only[id]) continue;
    if ((!with_head || s.head.empty()) && s.pending.empty() && start[id] == start[id + 1]) continue;
    Job j;
    j.stream = id;
    jobs.push_back(std::move(j));
    for (uint32_t b = start[id]; b < start[id + 1]; ++b) lines += batch[by_stream[b]].line.size();
  }
  // Encode and compress the sections on up to seal_threads threads (each with its own
  // compressor, kept across seals); write them in order.
  const size_t workers = std::max<size_t>(1, std::min<size_t>(options_.seal_threads, jobs.size()));
  while (compressors_.size() < workers) {
    compressors_.push_back(std::make_unique<SectionCompressor>(options_.zstd_level, options_.json_columns));
    raw_scratch_.emplace_back();
  }
  std::atomic<size_t> next_job{0};
  std::vector<TrigramCollector> collectors(workers);
  auto work = [&](uint32_t worker) {
    SectionCompressor& compressor = *compressors_[worker];
    std::vector<RawEntry>& raw = raw_scratch_[worker];
    for (size_t k; (k = next_job.fetch_add(1)) < jobs.size();) {
      Job& j = jobs[k];
      const StreamState& s = *streams_[j.stream];
      raw.clear();
      if (with_head) s.head.AppendTo(raw);
      s.pending.AppendTo(raw);
      for (uint32_t b = start[j.stream]; b < start[j.stream + 1]; ++b) {
        const LogEntry& e = batch[by_stream[b]];
        raw.push_back(RawEntry{e.timestamp_ns, e.line, e.structured_metadata});
      }
      auto by_time = [](const RawEntry& a, const RawEntry& b) { return a.timestamp_ns < b.timestamp_ns; };
      if (!std::is_sorted(raw.begin(), raw.end(), by_time)) std::stable_sort(raw.begin(), raw.end(), by_time);
      j.count = static_cast<uint32_t>(raw.size());
      j.min_ts = raw.front().timestamp_ns;
      j.max_ts = raw.back().timestamp_ns;
      j.worker = worker;
      j.status = compressor.CompressAppend(raw, j.at, j.size, j.raw_bytes, &collectors[worker], &j.trigrams);
    }
  };
  for (auto& c : compressors_) c->ClearOutput();
  {
    std::vector<std::thread> helpers;
    for (uint32_t w = 1; w < workers; ++w) helpers.emplace_back([&work, w] { work(w); });
    work(0);
    for (std::thread& t : helpers) t.join();
  }
  const size_t before = open_block_->index().sections.size();
  Status st;
  for (size_t k = 0; st.ok() && k < jobs.size(); ++k) {
    Job& j = jobs[k];
    st = j.status;
    if (st.ok()) {
      st = open_block_->AddCompressedSection(streams_[j.stream]->labels, compressors_[j.worker]->output(j.at, j.size),
                                             j.count, j.min_ts, j.max_ts, j.raw_bytes, std::move(j.trigrams));
    }
  }
  if (st.ok()) {
    open_block_lines_ += lines;
    for (const Job& j : jobs) {
      StreamState& s = *streams_[j.stream];
      pending_bytes_ -= s.pending_bytes;
      s.pending.Clear();
      s.pending_bytes = 0;
    }
    return st;
  }
  // Leave the open block as it was: the batches in it stay, this one is not there.
  if (!open_block_deferred_) {
    DiscardOpenBlock();
  } else if (Status cut = open_block_->TruncateSections(before); !cut.ok()) {
    broken_ = Internal("store: the open block cannot be repaired (its batches are lost until the store is reopened): " +
                       cut.message());
  }
  return st;
}

Status Store::FinishOpenBlockLocked() {
  const uint64_t seq = wal_seq_;
  const std::string path = BlockPath(seq);
  const std::string tmp = path + std::string(kTempSuffix);
  {
    std::vector<Checkpoint> cps;
    for (const auto& [_, c] : open_checkpoints_) cps.push_back(c);
    Status st = pending_bytes_ == 0 ? Status::Ok() : WriteSectionsLocked({}, {}, false);
    if (st.ok()) st = open_block_->Finish(seq, std::move(cps));
    if (st.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) st = Internal("rename " + tmp);
    if (!st.ok()) {
      if (open_block_deferred_) {
        broken_ = Internal(fmt::format("store: block {} could not be sealed (the batches in it are lost until the "
                                       "store is reopened): {}", path, st.message()));
      }
      DiscardOpenBlock();
      return st;
    }
  }
  open_block_.reset();
  open_block_lines_ = 0;
  open_block_deferred_ = false;
  // Committed: the block holds the batch, the checkpoints and everything the WAL held (a
  // crash from here on recovers them from it), so this call succeeds whatever follows. A
  // failure of the housekeeping below breaks the store (later Appends fail with it) rather
  // than make the caller send the batch again, which would store it twice.
  Status after;
  if (wal_.size() == 0) {
    // An empty WAL (every batch since the last seal went straight into a block): rename it
    // rather than create one and delete the other; one folder fsync covers both renames.
    wal_.Close();
    if (std::rename(WalPath(seq).c_str(), WalPath(seq + 1).c_str()) != 0) {
      after = Internal("rename " + WalPath(seq));
    } else {
      after = OpenWal(seq + 1, 0);
    }
  } else {
    after = SyncDir(options_.dir);
    if (after.ok()) after = OpenWal(seq + 1, 0);
    // A WAL left behind is harmless: recovery deletes the WALs a block covers.
    if (after.ok()) (void)RemoveFile(WalPath(seq));
  }
  wal_seq_ = seq + 1;  // the next block, even when the WAL could not be switched
  Result<std::shared_ptr<BlockFile>> block = BlockFile::Open(path, options_.index_sections);
  std::unique_lock lock(mu_);
  if (block.ok()) AddBlock(seq, std::move(block).value());
  for (auto& sp : streams_) {
    StreamState& s = *sp;
    if (s.head.empty()) continue;
    // Give the memory back: with many streams, kept capacities would add up past the
    // head's byte budget.
    s.head.Release();
    s.head_min = INT64_MAX;
    s.head_max = INT64_MIN;
  }
  checkpoints_ = std::move(open_checkpoints_);
  open_checkpoints_.clear();
  head_entries_ = 0;
  head_bytes_ = 0;
  for (auto& sp : streams_) sp->head_unlogged_from = SIZE_MAX;
  head_unlogged_ = false;
  unlogged_checkpoints_.clear();
  checkpoints_dirty_ = false;
  lock.unlock();
  durable_ticket_.store(last_ticket_, std::memory_order_release);
  if (!after.ok()) {
    broken_ = Internal(fmt::format("store: block {} sealed, then: {}", path, after.message()));
  } else if (!block.ok()) {  // queries miss it until the store is reopened
    broken_ = Internal(fmt::format("store: block {} sealed, then: {}", path, block.status().message()));
  }
  if (broken_.ok()) (void)ApplyRetentionLocked();  // retried at the next seal; ApplyRetention() reports it
  return Status::Ok();
}

Status Store::ApplyRetention() {
  std::lock_guard wlock(write_mu_);
  if (options_.read_only) return FailedPrecondition("store is open read-only");
  return ApplyRetentionLocked();
}

Status Store::ApplyRetentionLocked() {
  if (options_.retention_ns <= 0 || blocks_.size() <= 1) return Status::Ok();
  const int64_t cutoff = clock_->NowNs() - options_.retention_ns;
  std::vector<SealedBlock> keep;
  std::vector<const BlockFile*> dropped;  // open blocks whose sections leave the index
  bool removed = false;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const bool newest = i + 1 == blocks_.size();
    if (!newest && blocks_[i].max_ts < cutoff) {
      REMEDIATOR_RETURN_IF_ERROR(RemoveFile(BlockPath(blocks_[i].seq)));
      if (blocks_[i].file != nullptr) dropped.push_back(blocks_[i].file.get());
      removed = true;
    } else {
      keep.push_back(blocks_[i]);
    }
  }
  if (!removed) return Status::Ok();
  std::unique_lock lock(mu_);
  for (auto& sp : streams_) {
    auto& secs = sp->sections;
    secs.erase(std::remove_if(secs.begin(), secs.end(),
                              [&](const SectionRef& r) {
                                return std::find(dropped.begin(), dropped.end(), r.block.get()) !=
                                       dropped.end();
                              }),
               secs.end());
  }
  blocks_ = std::move(keep);  // readers holding a dropped block keep it open until done
  lock.unlock();
  return SyncDir(options_.dir);
}

Status Store::Close() {
  std::lock_guard wlock(write_mu_);
  if (closed_) return Status::Ok();
  Status st = broken_.ok() ? SealLocked() : broken_;
  wal_.Close();
  closed_ = true;
  return st;
}

StoreStats Store::Stats() const {
  std::shared_lock lock(mu_);
  StoreStats st;
  st.streams = streams_.size();
  st.blocks = blocks_.size();
  for (const SealedBlock& b : blocks_) {
    st.block_bytes += b.file_size;
    st.block_raw_bytes += b.raw_bytes;
    st.block_entries += b.entries;
  }
  st.wal_bytes = wal_.size();
  st.head_entries = head_entries_;
  st.head_line_bytes = head_bytes_;
  st.recovered_torn_bytes = recovered_torn_bytes_;
  st.damaged_blocks = damaged_blocks_;
  st.sections_decompressed = sections_decompressed_.load(std::memory_order_relaxed);
  st.sections_skipped_trigrams = sections_skipped_trigrams_.load(std::memory_order_relaxed);
  st.sections_skipped_alphabet = sections_skipped_alphabet_.load(std::memory_order_relaxed);
  return st;
}

}  // namespace remediator::store
