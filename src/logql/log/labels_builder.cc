#include "logql/log/labels_builder.h"

#include <algorithm>

namespace remediator::logql::log {

void LabelsBuilder::Reset(const Labels* stream, std::span<const Label> metadata) {
  stream_ = stream;
  n_parsed_ = 0;
  n_deleted_ = 0;
  error_.clear();
  error_details_.clear();
  metadata_.clear();
  for (const Label& m : metadata) {
    if (stream_ != nullptr && !LabelValue(*stream_, m.name).empty()) {
      metadata_.push_back(Label{m.name + "_extracted", m.value});
    } else {
      metadata_.push_back(m);
    }
  }
}

int LabelsBuilder::FindParsed(std::string_view name) const {
  for (size_t i = n_parsed_; i-- > 0;) {
    if (parsed_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool LabelsBuilder::IsDeleted(std::string_view name) const {
  for (size_t i = 0; i < n_deleted_; ++i) {
    if (deleted_[i] == name) return true;
  }
  return false;
}

bool LabelsBuilder::Get(std::string_view name, std::string_view& value) const {
  int p = FindParsed(name);
  if (p >= 0) {
    value = parsed_[static_cast<size_t>(p)].value;
    return true;
  }
  if (n_deleted_ > 0 && IsDeleted(name)) return false;
  for (const Label& m : metadata_) {
    if (m.name == name) {
      value = m.value;
      return true;
    }
  }
  if (stream_ != nullptr) {
    auto it = std::lower_bound(stream_->begin(), stream_->end(), name,
                               [](const Label& l, std::string_view n) { return l.name < n; });
    if (it != stream_->end() && it->name == name) {
      value = it->value;
      return true;
    }
  }
  return false;
}

bool LabelsBuilder::BaseOrMetadataHas(std::string_view name) const {
  for (const Label& m : metadata_) {
    if (m.name == name) return true;
  }
  if (stream_ == nullptr) return false;
  if (stream_->size() <= 8) {
    // Parsers ask this for every label of every entry: a few stream labels are scanned,
    // comparing lengths first, which rules most of them out without comparing bytes.
    for (const Label& l : *stream_) {
      if (l.name.size() == name.size() && l.name == name) return true;
    }
    return false;
  }
  auto it = std::lower_bound(stream_->begin(), stream_->end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  return it != stream_->end() && it->name == name;
}

bool LabelsBuilder::ParsedHas(std::string_view name) const { return FindParsed(name) >= 0; }

void LabelsBuilder::Set(std::string_view name, std::string_view value) {
  // Un-delete.
  for (size_t i = 0; i < n_deleted_; ++i) {
    if (deleted_[i] == name) {
      std::swap(deleted_[i], deleted_[n_deleted_ - 1]);
      --n_deleted_;
      break;
    }
  }
  int p = FindParsed(name);
  if (p >= 0) {
    parsed_[static_cast<size_t>(p)].value.assign(value);
    return;
  }
  if (n_parsed_ == parsed_.size()) parsed_.emplace_back();
  Slot& s = parsed_[n_parsed_++];
  s.name.assign(name);
  s.value.assign(value);
}

void LabelsBuilder::Delete(std::string_view name) {
  int p = FindParsed(name);
  if (p >= 0) {
    size_t i = static_cast<size_t>(p);
    std::swap(parsed_[i], parsed_[n_parsed_ - 1]);
    --n_parsed_;
  }
  if (IsDeleted(name)) return;
  if (n_deleted_ == deleted_.size()) deleted_.emplace_back();
  deleted_[n_deleted_++].assign(name);
}

void LabelsBuilder::Collect(std::vector<std::pair<std::string_view, std::string_view>>& out) const {
  out.clear();
  auto shadowed = [&](std::string_view n) { return IsDeleted(n) || FindParsed(n) >= 0; };
  if (stream_ != nullptr) {
    for (const Label& l : *stream_) {
      if (n_parsed_ == 0 && n_deleted_ == 0) {
        out.emplace_back(l.name, l.value);
      } else if (!shadowed(l.name)) {
        out.emplace_back(l.name, l.value);
      }
    }
  }
  for (const Label& m : metadata_) {
    if (shadowed(m.name)) continue;
    // Metadata shadows a stream label only through the _extracted rename, never directly.
    out.emplace_back(m.name, m.value);
  }
  for (size_t i = 0; i < n_parsed_; ++i) out.emplace_back(parsed_[i].name, parsed_[i].value);
  if (!error_.empty()) out.emplace_back(kErrorLabel, error_);
  if (!error_details_.empty()) out.emplace_back(kErrorDetailsLabel, error_details_);
  if (!metadata_.empty() || n_parsed_ > 0 || !error_.empty() || !error_details_.empty()) {
    std::sort(out.begin(), out.end());
    // Later duplicates (should not happen) are dropped.
    out.erase(std::unique(out.begin(), out.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              out.end());
  }
}

Labels LabelsBuilder::ToLabels() const {
  std::vector<std::pair<std::string_view, std::string_view>> v;
  Collect(v);
  Labels out;
  out.reserve(v.size());
  for (const auto& [n, val] : v) out.push_back(Label{std::string(n), std::string(val)});
  return out;
}

}  // namespace remediator::logql::log
