// JSON columns: sections of compact JSON lines are laid out by key and read back byte for
// byte (whole lines of any kind mixed in), or projected to the members a query can use; a
// damaged container is an error, never a crash; sections written before (one zstd frame)
// and sections of other lines still read as before.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/json_columns.h"
#include "store/log_format.h"
#include "store/section.h"
#include "store/store_test_util.h"

namespace remediator::store {
namespace {

// Lines a stream may mix: compact objects of a few shapes (nested, duplicate keys, escapes,
// UTF-8, numbers), and lines that stay whole (spaces, not an object, invalid JSON, empty).
std::vector<std::string> MixedLines() {
  return {
      R"({"ClientHost":"10.0.0.1","DownstreamStatus":200,"Duration":1234,"ServiceName":"jellyfin@docker"})",
      R"({"ClientHost":"10.0.0.2","DownstreamStatus":503,"Duration":99,"ServiceName":"grafana@docker"})",
      R"({"a":{"b":[1,2,{"c":null}]},"msg":"caf\u00e9 \"q\" \\ é","n":-1.5e3})",
      R"({"dup":1,"dup":"two","x":true})",
      R"({})",
      R"({"ClientHost":"10.0.0.3","DownstreamStatus":404,"Duration":7,"ServiceName":"jellyfin@docker"})",
      R"({"a": 1})",
      "not json at all",
      "",
      R"({"a":1)",
      R"([1,2,3])",
      "{\"multi\":\"line\"}\nsecond part",
      R"({"ServiceName":"only"})",
  };
}

struct Built {
  std::string layout;
  std::vector<std::string> columns;
};

Built Write(const std::vector<std::string>& lines, size_t* split = nullptr) {
  JsonColumnsWriter w;
  w.Add("leftover from an earlier section");  // Clear must forget it
  w.Clear();
  for (const std::string& l : lines) w.Add(l);
  if (split != nullptr) *split = w.split_lines();
  Built b;
  w.EncodeLayout(b.layout);
  for (size_t c = 0; c < w.columns(); ++c) b.columns.emplace_back(w.column(c));
  return b;
}

// Rebuilds with the given selection; the columns get the slack the rebuilder needs.
Status Rebuild(const Built& b, size_t n, const std::vector<uint8_t>* wanted, std::vector<std::string>& out) {
  JsonColumnsLayout layout;
  const char* p = b.layout.data();
  REMEDIATOR_RETURN_IF_ERROR(layout.Decode(p, b.layout.data() + b.layout.size(), n));
  if (p != b.layout.data() + b.layout.size()) return DataLoss("layout not consumed");
  if (wanted != nullptr) {
    std::vector<uint8_t> w(*wanted);
    w.resize(layout.columns() - 1, 0);
    layout.Select(w);
  }
  std::vector<std::string> padded;
  std::vector<std::string_view> views;
  for (const std::string& c : b.columns) padded.push_back(c + std::string(kJsonColumnSlack, 'x'));
  for (size_t c = 0; c < b.columns.size(); ++c) views.emplace_back(padded[c].data(), b.columns[c].size());
  std::string buf(layout.OutputBound(views) + kJsonColumnSlack, '\0');
  std::vector<uint32_t> offsets(n + 1);
  REMEDIATOR_RETURN_IF_ERROR(layout.Rebuild(views, buf.data(), buf.size(), offsets.data(), 7));
  out.clear();
  for (size_t i = 0; i < n; ++i) out.push_back(buf.substr(offsets[i] - 7, offsets[i + 1] - offsets[i]));
  return Status::Ok();
}

TEST(JsonColumnsTest, EveryLineRebuiltExactly) {
  const std::vector<std::string> lines = MixedLines();
  size_t split = 0;
  const Built b = Write(lines, &split);
  EXPECT_EQ(split, 7u);  // the six compact objects and "{}"
  std::vector<std::string> got;
  ASSERT_TRUE(Rebuild(b, lines.size(), nullptr, got).ok());
  EXPECT_EQ(got, lines);
}

TEST(JsonColumnsTest, ValuesAreKeptByKey) {
  const Built b = Write(MixedLines());
  // Column 1 + k holds key k's values in line order, each ended by a newline.
  EXPECT_EQ(b.columns[1], "\"10.0.0.1\"\n\"10.0.0.2\"\n\"10.0.0.3\"\n");
  EXPECT_EQ(b.columns[2], "200\n503\n404\n");
  EXPECT_NE(b.columns[0].find("not json at all"), std::string::npos);
}

TEST(JsonColumnsTest, ProjectionKeepsOnlyWantedMembersInOrder) {
  const std::vector<std::string> lines = MixedLines();
  const Built b = Write(lines);
  // Keys in first-seen order: ClientHost, DownstreamStatus, Duration, ServiceName, a, msg, n, dup, x.
  std::vector<uint8_t> wanted(9, 0);
  wanted[1] = wanted[3] = wanted[7] = 1;  // DownstreamStatus, ServiceName, dup
  std::vector<std::string> got;
  ASSERT_TRUE(Rebuild(b, lines.size(), &wanted, got).ok());
  const std::vector<std::string> want = {
      R"({"DownstreamStatus":200,"ServiceName":"jellyfin@docker"})",
      R"({"DownstreamStatus":503,"ServiceName":"grafana@docker"})",
      R"({})",
      R"({"dup":1,"dup":"two"})",
      R"({})",
      R"({"DownstreamStatus":404,"ServiceName":"jellyfin@docker"})",
      lines[6], lines[7], lines[8], lines[9], lines[10], lines[11],  // whole lines stay whole
      R"({"ServiceName":"only"})",
  };
  EXPECT_EQ(got, want);
}

TEST(JsonColumnsTest, DamagedColumnsAreErrors) {
  const std::vector<std::string> lines = MixedLines();
  Built b = Write(lines);
  std::vector<std::string> got;
  Built shorter = b;
  shorter.columns[2].pop_back();  // the last value loses its terminator
  EXPECT_FALSE(Rebuild(shorter, lines.size(), nullptr, got).ok());
  Built fewer = b;
  fewer.columns[0].resize(fewer.columns[0].size() / 2);  // whole lines cut
  EXPECT_FALSE(Rebuild(fewer, lines.size(), nullptr, got).ok());
  // Every truncation of the layout is an error.
  for (size_t cut = 0; cut < b.layout.size(); ++cut) {
    Built t = b;
    t.layout.resize(cut);
    EXPECT_FALSE(Rebuild(t, lines.size(), nullptr, got).ok()) << cut;
  }
  Built bad_key = b;
  // After the last key ("x"): the shape count, the first shape's key count, its first key.
  const size_t shapes_at = bad_key.layout.find(std::string("\x01x", 2)) + 2;
  ASSERT_EQ(bad_key.layout[shapes_at + 2], 0);  // key 0, ClientHost
  bad_key.layout[shapes_at + 2] = 100;  // beyond the 9 keys
  EXPECT_FALSE(Rebuild(bad_key, lines.size(), nullptr, got).ok());
}

// Sections: JSON lines go into the container, others stay one zstd frame; both decode to the
// entries written, with metadata, through one decompressor reused across them.
TEST(JsonColumnsTest, SectionsRoundTripThroughTheContainer) {
  std::vector<std::string> json, text, mixed = MixedLines();
  for (int i = 0; i < 300; ++i) {
    json.push_back(fmt::format(R"({{"ClientHost":"10.0.{}.{}","DownstreamStatus":{},"Duration":{},"ServiceName":"s{}"}})",
                               i / 256, i % 256, 200 + i % 5 * 100, i * 37, i % 3));
    text.push_back(fmt::format("level=info msg=\"request {}\"", i));
  }
  const std::vector<Label> sm = {Label{"trace_id", "abc"}};
  struct Case {
    const std::vector<std::string>* lines;
    bool columnar;
  };
  SectionCompressor compressor(1);
  SectionDecompressor decompressor;
  for (const Case& c : {Case{&json, true}, Case{&text, false}, Case{&mixed, true}, Case{&json, true}}) {
    std::vector<RawEntry> raw;
    for (size_t i = 0; i < c.lines->size(); ++i) {
      raw.push_back(RawEntry{static_cast<int64_t>(i * 10), (*c.lines)[i],
                             i % 4 == 1 ? std::span<const Label>(sm) : std::span<const Label>()});
    }
    std::string frame;
    uint64_t raw_bytes = 0;
    ASSERT_TRUE(compressor.Compress(raw, frame, raw_bytes).ok());
    EXPECT_EQ(frame[0] == kJsonColumnsTag, c.columnar);
    auto section = decompressor.DecompressAndDecode(frame, raw_bytes);
    ASSERT_TRUE(section.ok()) << section.status().ToString();
    ASSERT_EQ(section->size(), c.lines->size());
    std::vector<Label> got_sm;
    for (size_t i = 0; i < c.lines->size(); ++i) {
      EXPECT_EQ(section->timestamp(i), static_cast<int64_t>(i * 10));
      EXPECT_EQ(section->line(i), (*c.lines)[i]) << i;
      section->StructuredMetadata(i, got_sm);
      EXPECT_EQ(got_sm.size(), i % 4 == 1 ? 1u : 0u);
    }
    decompressor.Recycle(std::move(section).value());
    // Damage: any cut or flipped byte is an error or decodes (zstd's own checks may not
    // see a flipped literal), never a crash.
    for (size_t at = 0; at < frame.size(); at += std::max<size_t>(1, frame.size() / 97)) {
      std::string damaged = frame.substr(0, at);
      (void)decompressor.DecompressAndDecode(damaged, raw_bytes);
      damaged = frame;
      damaged[at] = static_cast<char>(damaged[at] ^ 0x41);
      (void)decompressor.DecompressAndDecode(damaged, raw_bytes);
    }
    EXPECT_FALSE(decompressor.DecompressAndDecode(frame, raw_bytes + 1).ok());
  }
}

TEST(JsonColumnsTest, PlainSectionsWhenTurnedOff) {
  std::vector<std::string> lines = MixedLines();
  std::vector<RawEntry> raw;
  for (const std::string& l : lines) raw.push_back(RawEntry{1, l, {}});
  SectionCompressor compressor(1, /*json_columns=*/false);
  std::string frame;
  uint64_t raw_bytes = 0;
  ASSERT_TRUE(compressor.Compress(raw, frame, raw_bytes).ok());
  EXPECT_NE(frame[0], kJsonColumnsTag);
  auto section = Section::DecompressAndDecode(frame, raw_bytes);
  ASSERT_TRUE(section.ok());
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(section->line(i), lines[i]);
}

TEST(JsonColumnsTest, ProjectedSectionsHoldTheQueriedMembers) {
  std::vector<std::string> lines;
  for (int i = 0; i < 50; ++i) {
    lines.push_back(fmt::format(R"({{"ClientHost":"h{}","DownstreamStatus":{},"Duration":{},"ServiceName":"s{}"}})", i,
                                500 + i % 2, i, i % 3));
  }
  lines.push_back("plain text stays whole");
  const auto [frame, raw_bytes] = testing::CompressSection(testing::RawLines(lines, 2));
  SectionDecompressor decompressor;
  decompressor.Project(std::vector<std::string>{"ServiceName", "DownstreamStatus"});
  auto section = decompressor.DecompressAndDecode(frame, raw_bytes);
  ASSERT_TRUE(section.ok()) << section.status().ToString();
  EXPECT_EQ(section->line(3), R"({"DownstreamStatus":501,"ServiceName":"s0"})");
  EXPECT_EQ(section->line(50), "plain text stays whole");
  decompressor.Recycle(std::move(section).value());
  decompressor.Project(std::nullopt);
  section = decompressor.DecompressAndDecode(frame, raw_bytes);
  ASSERT_TRUE(section.ok());
  EXPECT_EQ(section->line(3), lines[3]);
}

// A query that only tests lines for strings gets, per line, the strings it holds: wherever
// they are (a key, a value, a nested value, a whole line), as the whole line would show.
TEST(JsonColumnsTest, LineTestsTellWhichStringsEachLineHolds) {
  std::vector<std::string> lines = MixedLines();
  for (int i = 0; i < 40; ++i) {
    lines.push_back(fmt::format(R"({{"host":"jellyfin-{}","path":"/a/{}","n":{},"tags":["x{}"]}})", i % 3, i, i * 7, i));
  }
  const auto [frame, raw_bytes] = testing::CompressSection(testing::RawLines(lines, 3));
  ASSERT_EQ(frame[0], kJsonColumnsTag);
  const std::vector<std::vector<std::string>> cases = {
      {"jellyfin"}, {"jellyfin-1", "/a/3"}, {"Host", "x1"}, {"7", "ll", "docker"}, {"", "json"}, {"not there"},
  };
  SectionDecompressor decompressor;
  decompressor.Project(std::vector<std::string>{"unrelated"});  // line tests win over it
  for (const std::vector<std::string>& strings : cases) {
    decompressor.TestLines(strings);
    auto section = decompressor.DecompressAndDecode(frame, raw_bytes);
    ASSERT_TRUE(section.ok()) << section.status().ToString();
    ASSERT_EQ(section->size(), lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string want;  // the strings the line holds, in order, joined by newlines
      bool first = true;
      for (const std::string& str : strings) {
        if (lines[i].find(str) == std::string::npos) continue;
        if (!first) want += '\n';
        first = false;
        want += str;
      }
      EXPECT_EQ(section->line(i), want) << lines[i];
    }
    decompressor.Recycle(std::move(section).value());
  }
  // A string that could span members is not answered this way: whole lines come back.
  decompressor.TestLines(std::vector<std::string>{"\"n\":7"});
  decompressor.Project(std::nullopt);
  auto section = decompressor.DecompressAndDecode(frame, raw_bytes);
  ASSERT_TRUE(section.ok());
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(section->line(i), lines[i]);
}

}  // namespace
}  // namespace remediator::store
