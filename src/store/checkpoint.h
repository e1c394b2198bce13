// How far the store has durably ingested one source (usually one tailed file). The pipeline
// passes checkpoints with each Store::Append; they are committed in the same WAL record as
// the entries, so after a crash the store holds exactly the entries up to the checkpoint it
// reports — the basis of exactly-once ingestion across restarts.
#pragma once

#include <cstdint>
#include <string>

namespace remediator::store {

struct Checkpoint {
  std::string source;    // key, e.g. the file's path
  std::string identity;  // opaque to the store, e.g. "dev:inode" plus a hash of the head bytes
  int64_t offset = 0;    // e.g. the byte offset read up to (after the last committed line)
  bool operator==(const Checkpoint&) const = default;
};

}  // namespace remediator::store
