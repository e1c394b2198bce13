// The embedded log store: streams keyed by label set, a write-ahead log of length + CRC32C
// framed records, sealed zstd-compressed blocks with a per-stream time-range index, a label
// index for selectors, crash recovery that drops a torn tail, retention by age, and
// checkpoints committed atomically with entries (exactly-once ingestion across restarts).
// The on-disk format is described in docs/formats/store.md.
//
// Threading: Append/Seal/ApplyRetention/Close are serialized internally and may be called
// from any thread; Select and the read accessors may run concurrently with them and with each
// other.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/labels.h"
#include "core/status.h"
#include "logql/stream_source.h"
#include "store/block.h"
#include "store/checkpoint.h"
#include "store/entry_buffer.h"
#include "store/file_util.h"
#include "store/rw_lock.h"
#include "store/section.h"

namespace remediator::store {

struct StoreOptions {
  std::string dir;                      // created when absent
  int64_t retention_ns = 0;             // 0 keeps everything
  size_t block_bytes = 4u << 20;        // seal the head when its lines reach this many bytes
  int zstd_level = 1;                   // for sealed blocks (1: as small as 6 on access logs, half the CPU)
  bool sync = true;                     // fdatasync the WAL on every Append (durability)
  int seal_threads = 2;                 // threads compressing a block's sections when sealing
  bool json_columns = true;             // sections of compact JSON lines laid out by key (section.h)
  const Clock* clock = nullptr;         // for retention; nullptr = the system clock
  // Open for queries only, beside a running writer (another process): nothing on disk is
  // changed (no WAL truncation, cleanup, sealing or retention) and no lock is taken;
  // Append/Seal fail. A writable Open takes an exclusive lock (flock on DIR/LOCK).
  bool read_only = false;
  // false for a writer that never queries (`remediator ship`): sealed blocks are neither kept
  // open nor indexed by stream in memory, so its memory does not grow with the store;
  // Select and Split then see only the unsealed head. Checkpoints, retention and Stats work.
  bool index_sections = true;
  // AppendDeferred: big batches accumulate in one open block, sealed (fdatasync'ed and
  // renamed) once its lines reach this many bytes. 0: every big batch is a block of its own,
  // durable when AppendDeferred returns (as with Append).
  size_t deferred_block_bytes = 0;
  // AppendDeferred: a stream's entries of batches that would each become sections of the
  // open block wait in memory (copied) until they reach section_bytes, and become one
  // section then, or when the block is sealed, or (biggest first) when all streams' waiting
  // entries would pass section_buffer_bytes. A batch of many streams gives each only a small
  // share (20 services in 2 MiB: ~100 KB apiece), and small sections cost zstd and the
  // trigram filters per section when writing, and per frame when reading. 0: each batch's
  // entries are compressed as they come.
  size_t section_bytes = 0;
  size_t section_buffer_bytes = 0;
};

struct StoreStats {
  size_t streams = 0;
  size_t blocks = 0;
  uint64_t block_bytes = 0;       // on disk
  uint64_t block_raw_bytes = 0;   // uncompressed section bytes
  uint64_t block_entries = 0;
  uint64_t wal_bytes = 0;
  uint64_t head_entries = 0;
  uint64_t head_line_bytes = 0;
  uint64_t recovered_torn_bytes = 0;  // dropped from a WAL tail at Open
  size_t damaged_blocks = 0;          // set aside as *.damaged at Open
  // Sections queries (Select) asked for since Open: decompressed, or skipped for a `|=`
  // literal by the trigram filters (unread) or by the zstd literals (read, not decompressed).
  uint64_t sections_decompressed = 0;
  uint64_t sections_skipped_trigrams = 0;
  uint64_t sections_skipped_alphabet = 0;
};

class Store final : public logql::StreamSource {
 public:
  // Opens (creating) the store in options.dir, recovering from a crash: a torn WAL tail is
  // cut off, half-written blocks are removed, damaged blocks are set aside.
  static Result<std::unique_ptr<Store>> Open(StoreOptions options);
  ~Store() override;

  // Durably appends `batch` and, in the same WAL record, `checkpoints`: after a crash either
  // both are present or neither. Returns OK once on disk (fdatasync'ed when options.sync).
  // Entries of one stream may come in any time order. When the batch would fill the head
  // past block_bytes (or is half a block or more while the head is empty), it skips the WAL:
  // the head and the batch are sealed together into a block that carries the checkpoints
  // (the block's rename is the commit), so big batches are compressed and written once.
  Status Append(std::span<const LogEntry> batch, std::span<const Checkpoint> checkpoints = {});

  // Like Append, except that a batch Append would seal into a block of its own (and no
  // smaller one) is only written — into the store's open block, not fdatasync'ed — when the
  // open block is not full yet (options.deferred_block_bytes): one file, one fdatasync and one
  // rename for many batches. `ticket` numbers the batch (tickets rise by one per accepted
  // batch; on failure it is the last accepted one); the batch and its checkpoints are
  // committed once durable_ticket() reaches it: when the open block is sealed (it is full,
  // SealDeferred, Seal, Close, or an Append that goes through the WAL). Until then queries
  // and Checkpoints() do not see it, and a crash loses it (with its checkpoints: it is
  // ingested again after a restart, so exactly-once holds). A smaller batch goes through
  // the WAL as with Append, visible at once, but its record is not fdatasync'ed: it is
  // durable at the next sync (SealDeferred, an Append, sealing the head); a crash may lose
  // a suffix of such records, each with its checkpoints. With deferred_block_bytes 0 every
  // batch is durable when it returns.
  // `backlog`: the caller has more entries right behind this batch (it is catching up with
  // a file and cut the batch because it was full, not because time was up). Such a smaller
  // batch goes into the head without a WAL record (no record to build, compress and write
  // for entries that are sealed into a block soon anyway): queries see it at once, but it
  // is committed, with its checkpoints, only when the head is sealed (it is full, Seal,
  // Close) or when such batches get their one WAL record: before any other record, and on
  // SealDeferred. A crash loses it with its checkpoints, as it loses the open block.
  Status AppendDeferred(std::span<const LogEntry> batch, std::span<const Checkpoint> checkpoints,
                        uint64_t& ticket, bool backlog = false);
  // The highest ticket whose batch is committed (every lower one is too). Thread-safe.
  uint64_t durable_ticket() const { return durable_ticket_.load(std::memory_order_acquire); }
  // Makes every batch AppendDeferred accepted durable (seals the open block, or fdatasyncs
  // the WAL); a no-op when there is none. When sealing the open block fails, its batches
  // are lost and the store is broken (every later Append fails) until it is reopened.
  Status SealDeferred();

  // The last committed checkpoint of each source / of one source.
  std::vector<Checkpoint> Checkpoints() const;
  std::optional<Checkpoint> GetCheckpoint(std::string_view source) const;

  // Compresses the head into a sealed block now (a no-op when nothing changed).
  Status Seal();
  // Deletes sealed blocks whose newest entry is older than now - retention (the newest block
  // is kept: it holds the checkpoints). Runs after every seal too.
  Status ApplyRetention();
  // Seals and closes the WAL; further Appends fail. Also done by the destructor.
  Status Close();

  // logql::StreamSource. Thread-safe.
  Status Select(const logql::StreamSelection& selection, const Visitor& visit) const override;
  // Cuts [start, end) into up to n time spans holding about equal uncompressed bytes of the
  // selected streams, cut where a block's sections begin (so few sections are read by two
  // parts). Each part is an ordinary time range: entries come in order, any_order stays
  // false, and the parts together are exactly the whole selection.
  std::vector<logql::StreamSelection> Split(const logql::StreamSelection& selection, int n) const override;

  // Label sets of the streams matching all matchers (all streams when empty).
  std::vector<Labels> Streams(std::span<const LabelMatcher> matchers) const;

  StoreStats Stats() const;
  const std::string& dir() const { return options_.dir; }

 private:
  struct SectionRef {
    std::shared_ptr<const BlockFile> block;
    uint32_t section;
    int64_t min_ts, max_ts;
  };
  struct StreamState {
    explicit StreamState(ChunkPool* pending_chunks) : pending(pending_chunks) {}
    Labels labels;
    std::vector<SectionRef> sections;  // block seq order
    EntryBuffer head;
    int64_t head_min = INT64_MAX, head_max = INT64_MIN;
    // Its entries of deferred batches not yet compressed (section_bytes); queries do not see
    // them, as they do not see the open block.
    EntryBuffer pending;
    uint64_t pending_bytes = 0;  // as InternBatch counts them
    bool declared_in_wal = false;
    size_t head_unlogged_from = SIZE_MAX;  // head entries from here on have no WAL record
  };

  explicit Store(StoreOptions options);
  Status Recover();
  Status ReplayWal(const std::string& path, uint64_t& good_size);
  uint32_t Intern(const Labels& labels);
  void AddToHead(uint32_t id, int64_t ts, std::string_view line, std::span<const Label> sm);
  // A sealed block as the writer sees it: what retention and Stats need. `file` is
  // the open block when sections are indexed, null in a write-only store.
  struct SealedBlock {
    std::shared_ptr<const BlockFile> file;
    uint64_t seq;
    int64_t max_ts;
    uint64_t file_size, raw_bytes, entries;
  };
  // Records block `seq`; when sections are indexed, adds its sections to their streams (and
  // drops its copies of the labels) and keeps it open, else closes it.
  void AddBlock(uint64_t seq, std::shared_ptr<BlockFile> block);
  // Seals the open block (if any) plus the head plus `batch` (whose stream ids are `ids`)
  // into a block whose checkpoints are the current ones updated by `checkpoints`. Nothing
  // changes when it fails, unless the open block held deferred batches (then broken_).
  Status SealLocked(std::span<const LogEntry> batch = {}, std::span<const uint32_t> ids = {},
                    std::span<const Checkpoint> checkpoints = {});
  // Interns the batch's label sets into batch_ids_; returns what the batch costs the head.
  uint64_t InternBatch(std::span<const LogEntry> batch);
  // Append after InternBatch: through the WAL, or sealed with the head when it is big.
  // `sync`: fdatasync a WAL record (else it is durable at the next sync).
  Status AppendLocked(std::span<const LogEntry> batch, std::span<const Checkpoint> checkpoints, uint64_t cost,
                      bool sync);
  // Opens the open block at blk-<wal_seq_>.blk.tmp when there is none.
  Status OpenBlockLocked();
  // Compresses into sections of the open block, one per stream: the head's entries
  // (with_head), the pending ones and `batch` (stream ids `ids`), all of them or, when
  // `only` is not empty, those of the streams s with only[s] set; then empties those
  // streams' pending entries. On failure the open block and the pending entries are as they
  // were before.
  Status WriteSectionsLocked(std::span<const LogEntry> batch, std::span<const uint32_t> ids, bool with_head,
                             std::span<const uint8_t> only = {});
  // AppendDeferred of a smaller backlog batch (ids in batch_ids_): into the head without a
  // WAL record, or sealed with the head when it fills it.
  Status AddUnloggedLocked(std::span<const LogEntry> batch, std::span<const Checkpoint> checkpoints, uint64_t cost);
  // Writes the head's unlogged entries and their checkpoints as one WAL record.
  Status LogUnloggedLocked(bool sync);
  // Writes wal_entries_ and `checkpoints` as one WAL record (fdatasync'ed with `sync` when
  // options.sync), declaring the streams new to the WAL file. On failure the WAL is as it
  // was.
  struct WalEntry {
    uint32_t stream;
    int64_t timestamp_ns;
    std::string_view line;
    std::span<const Label> structured_metadata;
  };
  Status WriteWalRecordLocked(std::span<const Checkpoint> checkpoints, bool sync);
  // AppendDeferred of a batch (ids in batch_ids_) through the pending entries: compresses
  // the streams it brings to section_bytes (with their entries of the batch) and, biggest
  // first, others while all would pass section_buffer_bytes, then keeps the rest of the
  // batch pending. Nothing changes when it fails.
  Status AddDeferredLocked(std::span<const LogEntry> batch);
  // Seals the open block: index (with open_checkpoints_), fdatasync, rename, WAL switch. On
  // failure the block is removed; broken_ is set when it held deferred batches.
  Status FinishOpenBlockLocked();
  void DiscardOpenBlock();
  Status ApplyRetentionLocked();
  Status OpenWal(uint64_t seq, uint64_t size);
  std::string WalPath(uint64_t seq) const;
  std::string BlockPath(uint64_t seq) const;
  std::vector<uint32_t> MatchingStreams(std::span<const LabelMatcher> matchers) const;

  StoreOptions options_;
  SystemClock system_clock_;
  const Clock* clock_;

  // Lock order: write_mu_, then mu_. Writers (Append, Seal, ApplyRetention, Close) hold
  // write_mu_ throughout and mu_ (exclusively) only while changing what readers see; the WAL
  // write, fdatasync and block compression happen outside mu_. Readers hold mu_ shared.
  std::mutex write_mu_;
  mutable RwLock mu_;  // guards the state below (writers also hold write_mu_ to change it)
  // The chunks of the streams' pending entries: as many as a quarter of
  // section_buffer_bytes holds are kept for reuse (the next batch's share, about). Declared
  // before streams_, which give theirs back when destroyed.
  ChunkPool pending_chunks_{options_.section_buffer_bytes / 4 / EntryBuffer::kChunkBytes};
  std::vector<std::unique_ptr<StreamState>> streams_;  // by id
  std::unordered_multimap<uint64_t, uint32_t> ids_;  // HashLabels(labels) -> stream id
  // name -> value -> stream ids (ascending): the label index for selectors.
  std::map<std::string, std::map<std::string, std::vector<uint32_t>, std::less<>>, std::less<>> postings_;
  std::vector<SealedBlock> blocks_;  // seq order
  std::map<std::string, Checkpoint, std::less<>> checkpoints_;
  bool checkpoints_dirty_ = false;
  AppendFile wal_;
  uint64_t wal_seq_ = 1;
  uint64_t head_entries_ = 0;
  uint64_t head_bytes_ = 0;
  // Backlog batches in the head without a WAL record (AddUnloggedLocked), and their
  // checkpoints, committed when the head is sealed.
  bool head_unlogged_ = false;
  std::map<std::string, Checkpoint, std::less<>> unlogged_checkpoints_;
  uint64_t recovered_torn_bytes_ = 0;
  size_t damaged_blocks_ = 0;
  bool closed_ = false;
  int lock_fd_ = -1;  // flock'ed DIR/LOCK of a writable store
  Status broken_;  // a failed WAL repair; every later Append returns it
  std::vector<WalEntry> wal_entries_;  // the next WAL record's entries
  std::string record_;  // reused WAL record buffer
  std::string frame_;
  std::string compressed_;
  std::unique_ptr<void, void (*)(void*)> wal_cctx_;  // ZSTD_CCtx for WAL records
  std::vector<uint32_t> batch_ids_;  // reused by Append
  // The open block (blk-<wal_seq_>.blk.tmp): sections written, index not yet. While it is
  // open the head is empty and no WAL record is added (one finishes it first).
  std::unique_ptr<BlockWriter> open_block_;
  uint64_t open_block_lines_ = 0;      // line bytes in it
  bool open_block_deferred_ = false;   // it holds batches of AppendDeferred
  std::map<std::string, Checkpoint, std::less<>> open_checkpoints_;  // checkpoints_ + its batches'
  uint64_t pending_bytes_ = 0;  // the streams' pending_bytes added up
  std::vector<uint64_t> stream_scratch_;  // per stream, reused by AppendDeferred
  std::vector<uint8_t> flush_scratch_;
  uint64_t wal_synced_size_ = 0;       // WAL bytes known durable (the rest awaits a sync)
  uint64_t last_ticket_ = 0;
  std::atomic<uint64_t> durable_ticket_{0};
  // Sealing's compressors and entry lists, one per sealing thread, kept across seals.
  std::vector<std::unique_ptr<SectionCompressor>> compressors_;
  std::vector<std::vector<RawEntry>> raw_scratch_;
  // What queries did with sections (StoreStats); added up at the end of each Select.
  mutable std::atomic<uint64_t> sections_decompressed_{0};
  mutable std::atomic<uint64_t> sections_skipped_trigrams_{0};
  mutable std::atomic<uint64_t> sections_skipped_alphabet_{0};
  uint32_t last_id_ = UINT32_MAX;  // one-entry cache for Intern ...
  uint64_t last_hash_ = 0;          // ... and its label set's hash
};

}  // namespace remediator::store
