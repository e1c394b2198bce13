#include "pipeline/sinks/push_encoder.h"

#include <map>

#include <snappy.h>

#include "core/clock.h"
#include "core/json_writer.h"
#include "pipeline/sinks/logproto/push.pb.h"

namespace remediator::pipeline::sinks {
namespace {

struct Grouped {
  std::vector<Labels> streams;
  std::vector<std::vector<const LogEntry*>> entries;
};

Grouped Group(std::span<const LogEntry> batch, const Labels& external) {
  Grouped g;
  std::map<Labels, size_t> index;
  const Labels* last_in = nullptr;
  size_t last = 0;
  for (const LogEntry& e : batch) {
    if (last_in == nullptr || *last_in != e.labels) {
      Labels labels = external;
      for (const Label& l : e.labels) SetLabel(labels, l.name, l.value);
      auto [it, added] = index.emplace(std::move(labels), g.streams.size());
      if (added) {
        g.streams.push_back(it->first);
        g.entries.emplace_back();
      }
      last = it->second;
      last_in = &e.labels;
    }
    g.entries[last].push_back(&e);
  }
  return g;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string_view ContentType(PushEncoding encoding) {
  switch (encoding) {
    case PushEncoding::kProtobuf:
      return "application/x-protobuf";
    case PushEncoding::kJson:
      return "application/json";
  }
  return "application/octet-stream";
}

Result<std::string> EncodePushBody(std::span<const LogEntry> batch, const Labels& external_labels,
                                   PushEncoding encoding) {
  const Grouped g = Group(batch, external_labels);
  switch (encoding) {
    case PushEncoding::kProtobuf: {
      logproto::PushRequest req;
      for (size_t s = 0; s < g.streams.size(); ++s) {
        logproto::StreamAdapter* stream = req.add_streams();
        stream->set_labels(FormatLabels(g.streams[s]));
        for (const LogEntry* e : g.entries[s]) {
          logproto::EntryAdapter* entry = stream->add_entries();
          const int64_t secs = FloorDiv(e->timestamp_ns, kNanosPerSecond);
          entry->mutable_timestamp()->set_seconds(secs);
          entry->mutable_timestamp()->set_nanos(static_cast<int32_t>(e->timestamp_ns - secs * kNanosPerSecond));
          entry->set_line(e->line);
          for (const Label& l : e->structured_metadata) {
            logproto::LabelPairAdapter* p = entry->add_structuredmetadata();
            p->set_name(l.name);
            p->set_value(l.value);
          }
        }
      }
      std::string raw;
      if (!req.SerializeToString(&raw)) return Internal("push: protobuf serialization failed");
      std::string body;
      snappy::Compress(raw.data(), raw.size(), &body);
      return body;
    }
    case PushEncoding::kJson: {
      std::string out = R"({"streams":[)";
      for (size_t s = 0; s < g.streams.size(); ++s) {
        if (s > 0) out.push_back(',');
        out += R"({"stream":{)";
        for (size_t i = 0; i < g.streams[s].size(); ++i) {
          if (i > 0) out.push_back(',');
          AppendJsonString(out, g.streams[s][i].name);
          out.push_back(':');
          AppendJsonString(out, g.streams[s][i].value);
        }
        out += R"(},"values":[)";
        bool first = true;
        for (const LogEntry* e : g.entries[s]) {
          if (!first) out.push_back(',');
          first = false;
          out += "[\"";
          out += std::to_string(e->timestamp_ns);
          out += "\",";
          AppendJsonString(out, e->line);
          if (!e->structured_metadata.empty()) {
            out += ",{";
            for (size_t i = 0; i < e->structured_metadata.size(); ++i) {
              if (i > 0) out.push_back(',');
              AppendJsonString(out, e->structured_metadata[i].name);
              out.push_back(':');
              AppendJsonString(out, e->structured_metadata[i].value);
            }
            out.push_back('}');
          }
          out.push_back(']');
        }
        out += "]}";
      }
      out += "]}";
      return out;
    }
  }
  return Internal("push: unknown encoding");
}

}  // namespace remediator::pipeline::sinks
