// libFuzzer target: raw bytes on a real connection to `remediator serve`'s listening socket
// (the event loop of http/front_server.h, with the httplib routes behind it), served by one
// Server on 127.0.0.1 for the whole run, with a fake remediation service.
//
// Input: byte 0 picks how the rest is written (0: in one write; n: in writes of n bytes, so
// heads and bodies arrive cut anywhere); the rest is what a client sends before it closes
// its side. Checked: the server answers only with HTTP/1.1 status lines, closes the
// connection after the client's end within 5 s (no connection left hanging, whatever it
// was sent: half a head, a body shorter than its length, a pipe to the backend), and still
// serves a webhook afterwards. ASan/UBSan check the rest.
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DREMEDIATOR_FUZZ=ON
//   ninja -C build-fuzz http_front_fuzz && ./build-fuzz/fuzz/http_front_fuzz fuzz/corpus/http_front_fuzz
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

#include "../tests/http/fake_service.h"
#include "http/server.h"

namespace {

using remediator::http::Authenticator;
using remediator::http::Server;
using remediator::http::ServerOptions;

constexpr std::string_view kToken = "fuzz-token";

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "http_front_fuzz: %s\n", what);
  std::abort();
}

// The server, started once and never stopped (libFuzzer exits the process).
struct Serving {
  remediator::http::testing::FakeService service;
  std::unique_ptr<Server> server;
  std::thread runner;
  int port = 0;

  Serving() {
    ServerOptions options;
    options.auth = Authenticator::FromSecrets(kToken, std::nullopt);
    options.max_body_bytes = 4096;  // so inputs can pass the limit
    options.threads = 4;
    server = std::make_unique<Server>(std::move(options), service);
    auto bound = server->Bind({"127.0.0.1", 0});
    if (!bound.ok()) Fail("cannot bind");
    port = *bound;
    runner = std::thread([this] { (void)server->Run(); });
    runner.detach();
  }
};

// A connection to the server, or -1 when none can be made: with tens of thousands of
// connections a minute the machine may run out of local ports (each waits in TIME_WAIT for
// 60 s), which says nothing about the server (it runs in this process: were it dead, the
// run would have ended).
int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Closes with a reset: after the server's own close this ends both sides at once, so the
// connection leaves no TIME_WAIT behind to hold a local port for 60 s.
void CloseHard(int fd) {
  const linger hard{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  ::close(fd);
}

// Writes `data` in pieces of `piece` bytes (0: at once); false when the server closed first.
bool SendAll(int fd, std::string_view data, size_t piece) {
  while (!data.empty()) {
    const size_t n = piece == 0 ? data.size() : std::min(piece, data.size());
    const ssize_t w = ::send(fd, data.data(), n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data.remove_prefix(static_cast<size_t>(w));
  }
  return true;
}

// Everything the server sends until it closes; aborts when it has not closed within 5 s.
std::string ReadToClose(int fd) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char buf[16384];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) Fail("the server kept the connection open after the client's end");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return out;  // closed (or reset)
    out.append(buf, static_cast<size_t>(r));
  }
}

// What the server sent starts with a status line "HTTP/1.1 ddd " (1xx-5xx).
void CheckAnswers(std::string_view out) {
  if (out.empty()) return;
  if (out.size() < 13 || out.substr(0, 9) != "HTTP/1.1 " || out[12] != ' ') Fail("not an HTTP/1.1 status line");
  const auto digit = [&](size_t i, char lo, char hi) { return out[i] >= lo && out[i] <= hi; };
  if (!digit(9, '1', '5') || !digit(10, '0', '9') || !digit(11, '0', '9')) Fail("bad status code");
}

std::string Webhook() {
  const std::string body =
      R"({"version":"4","status":"firing","receiver":"r","groupLabels":{},"commonLabels":{},)"
      R"("commonAnnotations":{},"externalURL":"","groupKey":"k","truncatedAlerts":0,"alerts":[)"
      R"({"status":"firing","labels":{"alertname":"A"},"annotations":{},"startsAt":"2026-01-01T00:00:00Z",)"
      R"("endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"f"}]})";
  return "POST /webhook HTTP/1.1\r\nHost: f\r\nAuthorization: Bearer " + std::string(kToken) +
         "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Serving* serving = new Serving();
  static size_t runs = 0;
  if (size == 0) return 0;
  const size_t piece = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const int fd = Connect(serving->port);
  if (fd < 0) return 0;
  SendAll(fd, input, piece);
  ::shutdown(fd, SHUT_WR);
  CheckAnswers(ReadToClose(fd));
  CloseHard(fd);
  // Every 32 inputs (and the first): the loop still answers a webhook.
  if (runs++ % 32 == 0) {
    const int probe = Connect(serving->port);
    if (probe < 0) return 0;
    if (!SendAll(probe, Webhook(), 0)) Fail("the probe could not be sent");
    ::shutdown(probe, SHUT_WR);
    const std::string answer = ReadToClose(probe);
    CloseHard(probe);
    if (answer.substr(0, 12) != "HTTP/1.1 200") Fail("the probe webhook was not answered 200");
  }
  return 0;
}
