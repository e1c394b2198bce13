// gen_traefik: a deterministic generator of Traefik JSON access-log lines (keys sorted as
// Traefik's logrus JSON formatter writes them; fields per ../shared/spec/traefik-access-log.md).
//
//   gen_traefik --bytes 1073741824 --out access.log [--seed 1] [--start 2026-01-01T00:00:00Z]
//               [--hours 24]
//
// About 20 services with a skewed (Zipf-like) share of the traffic, mostly 200/304 answers
// with a 4xx/5xx tail, per-service paths and latencies, StartUTC increasing over the time
// span. The same arguments always produce the same bytes.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/time_format.h"

namespace {

// splitmix64: small, fast, deterministic.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t s_;
};

struct Service {
  const char* name;     // ServiceName without @provider
  const char* host;     // RequestHost
  const char* addr;     // ServiceAddr
  int port;
  double median_ms;     // typical latency
  double error_rate;    // share of 5xx
  std::vector<const char*> paths;
};

const std::vector<Service>& Services() {
  static const std::vector<Service> kServices = {
      {"jellyfin", "jellyfin.home.example.org", "10.89.0.21", 8096, 35, 0.030,
       {"/Items/{id}/Images/Primary", "/Videos/{id}/stream.mp4", "/Users/{id}/Items/Resume", "/Sessions/Playing/Progress",
        "/System/Info/Public", "/web/index.html", "/socket", "/Shows/NextUp"}},
      {"nextcloud", "cloud.home.example.org", "10.89.0.22", 80, 120, 0.015,
       {"/remote.php/dav/files/{id}/Photos", "/ocs/v2.php/apps/notifications/api/v2/notifications", "/index.php/apps/files/",
        "/status.php", "/index.php/login"}},
      {"immich", "photos.home.example.org", "10.89.0.23", 2283, 60, 0.010,
       {"/api/assets/{id}/thumbnail", "/api/timeline/buckets", "/api/server/ping", "/api/assets", "/photos/{id}"}},
      {"homeassistant", "ha.home.example.org", "10.89.0.24", 8123, 15, 0.005,
       {"/api/websocket", "/api/states", "/auth/token", "/lovelace/0", "/api/history/period"}},
      {"grafana", "grafana.home.example.org", "10.89.0.25", 3000, 45, 0.008,
       {"/api/ds/query", "/api/dashboards/uid/{id}", "/public/build/app.js", "/api/live/ws", "/login"}},
      {"prometheus", "prometheus.home.example.org", "10.89.0.26", 9090, 25, 0.004,
       {"/api/v1/query_range", "/api/v1/query", "/-/healthy", "/graph"}},
      {"authelia", "auth.home.example.org", "10.89.0.27", 9091, 8, 0.006,
       {"/api/verify", "/api/state", "/api/firstfactor", "/"}},
      {"vaultwarden", "vault.home.example.org", "10.89.0.28", 80, 20, 0.004,
       {"/api/sync", "/identity/connect/token", "/notifications/hub", "/icons/{id}/icon.png"}},
      {"paperless", "paperless.home.example.org", "10.89.0.29", 8000, 90, 0.012,
       {"/api/documents/", "/api/documents/{id}/thumb/", "/api/tasks/", "/dashboard"}},
      {"sonarr", "sonarr.home.example.org", "10.89.0.30", 8989, 30, 0.010,
       {"/api/v3/queue", "/api/v3/series", "/api/v3/calendar", "/signalr/messages"}},
      {"radarr", "radarr.home.example.org", "10.89.0.31", 7878, 30, 0.010,
       {"/api/v3/queue", "/api/v3/movie", "/api/v3/calendar", "/signalr/messages"}},
      {"prowlarr", "prowlarr.home.example.org", "10.89.0.32", 9696, 40, 0.020,
       {"/api/v1/search", "/api/v1/indexer", "/api/v1/health"}},
      {"qbittorrent", "torrent.home.example.org", "10.89.0.33", 8080, 12, 0.010,
       {"/api/v2/sync/maindata", "/api/v2/torrents/info", "/api/v2/transfer/info"}},
      {"gitea", "git.home.example.org", "10.89.0.34", 3000, 50, 0.007,
       {"/user/login", "/explore/repos", "/api/v1/repos/search", "/{id}/infra.git/info/refs"}},
      {"syncthing", "sync.home.example.org", "10.89.0.35", 8384, 10, 0.003,
       {"/rest/events", "/rest/db/status", "/rest/system/connections"}},
      {"uptime-kuma", "status.home.example.org", "10.89.0.36", 3001, 18, 0.004,
       {"/api/status-page/heartbeat/home", "/socket.io/", "/dashboard"}},
      {"homepage", "home.example.org", "10.89.0.37", 3000, 22, 0.003,
       {"/", "/api/services", "/api/widgets/resources", "/_next/static/chunks/main.js"}},
      {"adguard", "dns.home.example.org", "10.89.0.38", 3000, 9, 0.002,
       {"/control/stats", "/control/querylog", "/control/status"}},
      {"loki", "loki.home.example.org", "10.89.0.39", 3100, 70, 0.015,
       {"/loki/api/v1/push", "/loki/api/v1/query_range", "/ready"}},
      {"api", "traefik.home.example.org", "", 0, 2, 0.001,
       {"/api/http/routers", "/dashboard/", "/api/overview"}},
  };
  return kServices;
}

const char* kAgents[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Jellyfin-Android/2.6.2",
    "Nextcloud-android/3.30.5",
    "Home Assistant/2024.12.1 (io.robbie.HomeAssistant; build:2024.1128; iOS 18.1.1)",
    "Grafana/11.3.1",
    "Prometheus/2.55.1",
    "curl/8.11.0",
    "Go-http-client/1.1",
};

std::string PickPath(Rng& rng, const Service& s) {
  std::string p = s.paths[rng.Below(s.paths.size())];
  size_t k = p.find("{id}");
  if (k != std::string::npos) p.replace(k, 4, fmt::format("{:08x}{:04x}", rng.Next() & 0xffffffff, rng.Next() & 0xffff));
  if (rng.Uniform() < 0.15) p += fmt::format("?v={}", rng.Below(100000));
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t bytes = uint64_t{1} << 30;
  uint64_t seed = 1;
  std::string out_path, start_text = "2026-01-01T00:00:00Z";
  double hours = 24;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "gen_traefik: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--bytes") bytes = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--seed") seed = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--out") out_path = next();
    else if (a == "--start") start_text = next();
    else if (a == "--hours") hours = std::strtod(next().c_str(), nullptr);
    else {
      std::fprintf(stderr,
                   "usage: gen_traefik --bytes N --out FILE [--seed S] [--start RFC3339] [--hours H]\n");
      return 2;
    }
  }
  auto start = remediator::ParseRfc3339(start_text);
  if (!start.ok()) {
    std::fprintf(stderr, "gen_traefik: --start: %s\n", start.status().message().c_str());
    return 2;
  }
  FILE* out = out_path.empty() || out_path == "-" ? stdout : std::fopen(out_path.c_str(), "wb");
  if (out == nullptr) {
    std::perror(out_path.c_str());
    return 1;
  }
  Rng rng(seed);
  const auto& services = Services();
  // Zipf-like weights: service k gets 1/(k+1)^1.1 of the traffic.
  std::vector<double> cum;
  double total = 0;
  for (size_t k = 0; k < services.size(); ++k) {
    total += 1.0 / std::pow(static_cast<double>(k + 1), 1.1);
    cum.push_back(total);
  }
  const int64_t span_ns = static_cast<int64_t>(hours * 3600e9);
  const int local_offset_s = 3600;  // the host's zone, +01:00
  uint64_t written = 0;
  uint64_t count = 0;
  std::string line;
  line.reserve(1024);
  std::vector<char> buf;
  int64_t last_ts = *start;
  while (written < bytes) {
    // Time advances with the bytes written, so the file covers the span evenly.
    int64_t ts = *start + static_cast<int64_t>(static_cast<double>(span_ns) * (static_cast<double>(written) /
                                                                              static_cast<double>(bytes)));
    ts += static_cast<int64_t>(rng.Below(1000));  // sub-microsecond jitter, still increasing
    if (ts <= last_ts) ts = last_ts + 1;
    last_ts = ts;
    double u = rng.Uniform() * total;
    size_t si = 0;
    while (si + 1 < cum.size() && cum[si] < u) ++si;
    const Service& s = services[si];
    double m = rng.Uniform();
    const char* method = m < 0.84 ? "GET" : m < 0.94 ? "POST" : m < 0.97 ? "PUT" : m < 0.99 ? "DELETE" : "HEAD";
    double r = rng.Uniform();
    int status;
    if (r < s.error_rate) {
      static const int k5xx[] = {500, 502, 503, 504};
      status = k5xx[rng.Below(4)];
    } else if (r < s.error_rate + 0.06) {
      static const int k4xx[] = {400, 401, 403, 404, 404, 404, 499};
      status = k4xx[rng.Below(7)];
    } else if (r < s.error_rate + 0.08) {
      status = rng.Uniform() < 0.5 ? 301 : 302;
    } else if (r < s.error_rate + 0.20) {
      status = 304;
    } else {
      status = 200;
    }
    // Log-normal-ish latency around the service's median.
    double z = (rng.Uniform() + rng.Uniform() + rng.Uniform() - 1.5) * 2.0;
    double ms = s.median_ms * std::exp(z * 0.9);
    if (status >= 500) ms *= 3;
    int64_t duration = static_cast<int64_t>(ms * 1e6) + 50000;
    int64_t overhead = 30000 + static_cast<int64_t>(rng.Below(400000));
    int64_t origin_duration = duration > overhead ? duration - overhead : 0;
    bool internal = s.port == 0;
    int origin_status = internal ? 0 : status;
    uint64_t size = status == 304 || status == 204 ? 0 : 200 + rng.Below(status == 200 ? 60000 : 2000);
    uint64_t req_size = std::string_view(method) == "POST" || std::string_view(method) == "PUT" ? 100 + rng.Below(5000) : 0;
    std::string path = PickPath(rng, s);
    unsigned client_last = static_cast<unsigned>(2 + rng.Below(40));
    unsigned client_port = static_cast<unsigned>(30000 + rng.Below(35000));
    bool lan = rng.Uniform() < 0.7;
    std::string client_ip = lan ? fmt::format("192.168.1.{}", client_last)
                                : fmt::format("203.0.113.{}", client_last * 3 % 250);
    const char* agent = kAgents[rng.Below(sizeof(kAgents) / sizeof(kAgents[0]))];
    std::string start_utc = remediator::FormatRfc3339Nano(ts);
    remediator::CivilTime lt = remediator::CivilFromUnixNs(ts + local_offset_s * remediator::kNanosPerSecond);
    std::string start_local = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:09d}+01:00", lt.year, lt.month,
                                          lt.day, lt.hour, lt.minute, lt.second, lt.nanos);
    std::string time_local = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}+01:00", lt.year, lt.month, lt.day,
                                         lt.hour, lt.minute, lt.second);
    std::string service_name = internal ? "api@internal" : fmt::format("{}@docker", s.name);
    std::string router = internal ? "websecure-api@docker" : fmt::format("websecure-{}@docker", s.name);
    ++count;
    line.clear();
    fmt::format_to(std::back_inserter(line),
                   R"({{"ClientAddr":"{}:{}","ClientHost":"{}","ClientPort":"{}","DownstreamContentSize":{},)"
                   R"("DownstreamStatus":{},"Duration":{},"OriginContentSize":{},"OriginDuration":{},"OriginStatus":{},)"
                   R"("Overhead":{},"RequestAddr":"{}","RequestContentSize":{},"RequestCount":{},"RequestHost":"{}",)"
                   R"("RequestMethod":"{}","RequestPath":"{}","RequestPort":"-","RequestProtocol":"HTTP/2.0",)"
                   R"("RequestScheme":"https","RetryAttempts":0,"RouterName":"{}",)",
                   client_ip, client_port, client_ip, client_port, size, status, duration, internal ? 0 : size,
                   internal ? 0 : origin_duration, origin_status, internal ? duration : overhead, s.host, req_size,
                   count, s.host, method, path, router);
    if (!internal) {
      fmt::format_to(std::back_inserter(line), R"("ServiceAddr":"{}:{}",)", s.addr, s.port);
    }
    fmt::format_to(std::back_inserter(line), R"("ServiceName":"{}",)", service_name);
    if (!internal) {
      fmt::format_to(std::back_inserter(line), R"("ServiceURL":"http://{}:{}",)", s.addr, s.port);
    }
    fmt::format_to(std::back_inserter(line),
                   R"("StartLocal":"{}","StartUTC":"{}","TLSCipher":"TLS_AES_128_GCM_SHA256","TLSVersion":"1.3",)"
                   R"("entryPointName":"websecure","level":"info","msg":"","request_User-Agent":"{}",)"
                   R"("request_X-Real-Ip":"{}","time":"{}"}})"
                   "\n",
                   start_local, start_utc, agent, client_ip, time_local);
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) {
      std::perror("gen_traefik: write");
      return 1;
    }
    written += line.size();
  }
  if (out != stdout) std::fclose(out);
  std::fprintf(stderr, "gen_traefik: %llu lines, %llu bytes\n", static_cast<unsigned long long>(count),
               static_cast<unsigned long long>(written));
  return 0;
}
