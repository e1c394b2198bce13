// Trigram filters: never "absent" for a string a section's lines hold (every substring of
// every line, across many sections of one block, common and own bitsets), "absent" for
// strings none of them hold (checked on needles whose trigrams the block lacks), bitsets
// sized to what they hold (5 bits per hash), and needles under 3 bytes never excluding anything.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/section.h"
#include "store/trigram_filter.h"

namespace remediator::store {
namespace {

struct Block {
  std::vector<std::vector<std::string>> lines;  // per section
  BlockTrigramFilters filters;
};

Block Build(std::vector<std::vector<std::string>> lines) {
  Block b;
  b.lines = std::move(lines);
  TrigramCollector collector;
  std::vector<std::vector<uint16_t>> hashes;
  for (const auto& section : b.lines) {
    std::vector<RawEntry> raw;
    for (const std::string& l : section) raw.push_back(RawEntry{0, l, {}});
    hashes.emplace_back();
    collector.Collect(raw, hashes.back());
  }
  BuildBlockTrigramFilters(hashes, b.filters);
  return b;
}

bool MayHold(const Block& b, size_t section, std::string_view needle) {
  return TrigramsMayBePresent(b.filters.common, b.filters.sections[section], NeedleTrigramHashes(needle));
}

// A JSON access-log line of a service: shared keys, the service's own host and path.
std::string AccessLine(std::string_view service, std::mt19937& rng) {
  return fmt::format(R"({{"ClientHost":"192.168.1.{}","RequestHost":"{}.home.example.org","RequestPath":"/{}/{}","DownstreamStatus":{}}})",
                     rng() % 256, service, service.substr(0, 3), rng() % 100000, 200 + rng() % 4 * 100);
}

TEST(TrigramFilterTest, NoStringALineHoldsIsReportedAbsent) {
  std::mt19937 rng(7);
  const std::vector<std::string> services = {"jellyfin", "grafana", "authelia", "nextcloud", "immich", "gitea"};
  std::vector<std::vector<std::string>> lines(services.size());
  for (size_t s = 0; s < services.size(); ++s) {
    for (size_t i = 0; i < 40 + 30 * s; ++i) lines[s].push_back(AccessLine(services[s], rng));
  }
  lines.push_back({"ab", "", "x"});  // no trigrams at all
  const Block b = Build(lines);
  ASSERT_FALSE(b.filters.common.empty());
  ASSERT_EQ(b.filters.sections.size(), lines.size());
  for (size_t s = 0; s < lines.size(); ++s) {
    for (const std::string& l : lines[s]) {
      for (size_t at = 0; at < l.size(); at += 3) {
        for (size_t len = 1; len <= 12 && at + len <= l.size(); ++len) {
          ASSERT_TRUE(MayHold(b, s, std::string_view(l).substr(at, len))) << s << " " << l.substr(at, len);
        }
      }
    }
  }
}

TEST(TrigramFilterTest, SectionsLackingAServiceNameAreExcluded) {
  std::mt19937 rng(11);
  const std::vector<std::string> services = {"jellyfin", "grafana", "authelia", "nextcloud"};
  std::vector<std::vector<std::string>> lines(services.size());
  for (size_t s = 0; s < services.size(); ++s) {
    for (size_t i = 0; i < 200; ++i) lines[s].push_back(AccessLine(services[s], rng));
  }
  const Block b = Build(lines);
  int false_positives = 0;
  for (size_t s = 0; s < services.size(); ++s) {
    for (size_t other = 0; other < services.size(); ++other) {
      if (other == s) {
        EXPECT_TRUE(MayHold(b, other, services[s])) << services[s];
      } else {
        false_positives += MayHold(b, other, services[s]);
      }
    }
    // Shared by every section: in the common bitset, never excluded.
    EXPECT_TRUE(MayHold(b, s, "home.example.org"));
    EXPECT_TRUE(MayHold(b, s, "\"DownstreamStatus\":"));
  }
  EXPECT_LE(false_positives, 2) << "of 12";  // about 7% each for these short names
  // Under 3 bytes: no trigram to check.
  EXPECT_TRUE(NeedleTrigramHashes("zq").empty());
  EXPECT_TRUE(MayHold(b, 0, "zq"));
  EXPECT_FALSE(MayHold(b, 0, "zqxwvkzqxw"));
}

TEST(TrigramFilterTest, BitsetsAreSizedToTheirHashes) {
  // One section: all of its hashes are common. Empty common = a block without filters.
  std::vector<std::string> one;
  for (int i = 0; i < 3000; ++i) one.push_back(fmt::format("line {} of many words {}", i, i * 7919));
  const Block b = Build({one});
  TrigramCollector collector;
  std::vector<RawEntry> raw;
  for (const std::string& l : one) raw.push_back(RawEntry{0, l, {}});
  std::vector<uint16_t> hashes;
  collector.Collect(raw, hashes);
  ASSERT_GT(hashes.size(), 200u);
  const size_t bits = b.filters.common.size() * 8;
  EXPECT_GE(bits, hashes.size() * 5);
  EXPECT_LT(bits, hashes.size() * 5 + 8);
  EXPECT_TRUE(b.filters.sections[0].empty());
  EXPECT_TRUE(TrigramsMayBePresent("", "", NeedleTrigramHashes("anything")));
  // Collecting again gives the same hashes (the collector's table was cleared).
  std::vector<uint16_t> again;
  collector.Collect(raw, again);
  EXPECT_EQ(again, hashes);
  EXPECT_TRUE(std::is_sorted(hashes.begin(), hashes.end()));
}

TEST(TrigramFilterTest, PortableAndSimdLoopsAgree) {
  std::mt19937 rng(5);
  TrigramCollector simd(true), portable(false);
  for (size_t len : {0, 1, 2, 3, 4, 15, 16, 17, 18, 23, 24, 25, 100, 1001}) {
    std::vector<std::string> lines;
    for (int i = 0; i < 20; ++i) {
      std::string l;
      for (size_t k = 0; k < len; ++k) l.push_back(static_cast<char>(rng() % 4 == 0 ? rng() % 256 : 'a' + rng() % 26));
      lines.push_back(std::move(l));
    }
    std::vector<RawEntry> raw;
    for (const std::string& l : lines) raw.push_back(RawEntry{0, l, {}});
    std::vector<uint16_t> a, b, want;
    simd.Collect(raw, a);
    portable.Collect(raw, b);
    EXPECT_EQ(a, b) << len;
    for (const std::string& l : lines) {
      for (size_t i = 0; i + 3 <= l.size(); ++i) want.push_back(TrigramHash(l.data() + i));
    }
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    EXPECT_EQ(a, want) << len;
  }
}

// The hashes a section's compressor collects while it encodes the lines (what the store
// writes) are the ones Collect finds in them, section after section with one collector.
TEST(TrigramFilterTest, CollectedWhileEncodingAsByCollect) {
  std::mt19937 rng(7);
  SectionCompressor compressor(1);
  TrigramCollector while_encoding, separately;
  const std::string base = R"({"ClientAddr":"192.168.1.32:30784","RequestPath":"/api/firstfactor","Duration":22959588})";
  for (int section = 0; section < 3; ++section) {
    std::vector<std::string> lines;
    for (int i = 0; i < 50 + 40 * section; ++i) {
      std::string l = base.substr(0, rng() % base.size());
      for (int k = 0; k < 3; ++k) {
        if (!l.empty()) l[rng() % l.size()] = static_cast<char>(rng() % 256);
      }
      lines.push_back(std::move(l));
    }
    std::vector<RawEntry> raw;
    for (const std::string& l : lines) raw.push_back(RawEntry{0, l, {}});
    std::string frame;
    uint64_t raw_bytes = 0;
    std::vector<uint16_t> got, want;
    ASSERT_TRUE(compressor.Compress(raw, frame, raw_bytes, &while_encoding, &got).ok());
    separately.Collect(raw, want);
    EXPECT_GT(want.size(), 100u);
    EXPECT_EQ(got, want) << section;
  }
}

}  // namespace
}  // namespace remediator::store
