#include "http/front_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "alerts/payload.h"
#include "http/json_responses.h"
#include "http/webhook_answer.h"

namespace remediator::http {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kMaxConnections = 4096;
constexpr int64_t kIdleTimeoutNs = 30LL * 1'000'000'000;
constexpr int64_t kDrainTimeoutNs = 10LL * 1'000'000'000;
constexpr uint64_t kListenId = 0;
constexpr uint64_t kWakeId = 1;

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

// The parts of a request head the loop looks at. Views into the connection's buffer.
struct Head {
  std::string_view method, target, version;
  std::string_view content_length, transfer_encoding, authorization, content_type, connection,
      expect;
  bool has_content_length = false;
};

// `head` ends before the blank line. False when it is not an HTTP/1.x request head.
bool ParseHead(std::string_view head, Head& h) {
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  h.method = line.substr(0, sp1);
  h.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  h.version = line.substr(sp2 + 1);
  if (h.version != "HTTP/1.1" && h.version != "HTTP/1.0") return false;
  while (eol != std::string_view::npos) {
    size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view field = head.substr(start, eol == std::string_view::npos ? head.npos : eol - start);
    size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string_view name = field.substr(0, colon);
    std::string_view value = Trim(field.substr(colon + 1));
    if (EqualsLowerAscii(name, "content-length")) {
      if (h.has_content_length && value != h.content_length) return false;  // conflicting
      h.content_length = value;
      h.has_content_length = true;
    } else if (EqualsLowerAscii(name, "transfer-encoding")) {
      h.transfer_encoding = value;
    } else if (EqualsLowerAscii(name, "authorization")) {
      h.authorization = value;
    } else if (EqualsLowerAscii(name, "content-type")) {
      h.content_type = value;
    } else if (EqualsLowerAscii(name, "connection")) {
      h.connection = value;
    } else if (EqualsLowerAscii(name, "expect")) {
      h.expect = value;
    }
  }
  return true;
}

// Content-Length digits -> value; false for anything else (or absurdly large).
bool ParseLength(std::string_view s, size_t& out) {
  if (s.empty() || s.size() > 15) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<size_t>(c - '0');
  }
  return true;
}

// A finished submit for the loop: an answer to queue, or (`resume`) word that a direct
// answer (Link) went out and the loop has work left on the connection.
struct Completion {
  uint64_t conn_id;
  WebhookAnswer answer;
  bool resume = false;
};

// The status line and headers of an answer (up to the blank line), into `buf`; returns the
// length. 256 bytes hold every head the loop sends.
constexpr size_t kHeadBytes = 256;
size_t FormatHead(char (&buf)[kHeadBytes], int status, size_t body_size, bool keep_alive) {
  // Pieces copied in, numbers by to_chars: no format-string machinery per answer (fmt's
  // compiled format_to_n was 2% of the server's CPU).
  char* p = buf;
  char* const end = buf + kHeadBytes;
  auto put = [&](std::string_view piece) {
    size_t n = std::min(piece.size(), static_cast<size_t>(end - p));
    std::memcpy(p, piece.data(), n);
    p += n;
  };
  put("HTTP/1.1 ");
  p = std::to_chars(p, end, status).ptr;
  put(" ");
  put(Reason(status));
  put("\r\nContent-Type: application/json\r\nContent-Length: ");
  p = std::to_chars(p, end, body_size).ptr;
  put("\r\n");
  if (status == 401) {
    put("WWW-Authenticate: ");
    put(kWwwAuthenticate);
    put("\r\n");
  }
  put(keep_alive ? "\r\n" : "Connection: close\r\n\r\n");
  return static_cast<size_t>(p - buf);
}

// The status line and headers of an answer, then its body.
void AppendResponse(std::string& out, const WebhookAnswer& a, bool keep_alive) {
  char head[kHeadBytes];
  out.append(head, FormatHead(head, a.status, a.body.size(), keep_alive));
  out += a.body;
}

// What a connection shares with the thread that completes its submit. A keep-alive request
// whose connection has nothing else to send is answered "directly": the completing thread
// (the decision log's flusher) sends the answer itself, so the loop neither wakes up for it
// nor spends its time sending, and goes on reading other requests meanwhile. The loop does
// not write to the socket while `busy`; it closes the socket only under `mu`.
struct Link {
  std::mutex mu;
  int fd = -1;           // -1 once the loop closed it (or handed it to a pipe)
  bool busy = false;     // a direct answer is being decided
  bool stalled = false;  // the loop saw input or EOF meanwhile: post a resume when done
  std::string leftover;  // bytes the completing thread could not send (EAGAIN): the loop's
  // The answer of the submit in flight, head and body (made by PrepareAnswer on the loop's
  // thread, or from the error), and its body's scratch buffer. Outside `mu`: touched only by
  // the submit's callbacks, which run one after the other. Reused: no allocation per answer.
  std::string answer;
  std::string body;
};

// SubmitAsyncPrepared's `prepare` for a direct answer (the loop's thread): the whole 200
// answer, so the completing thread only sends it.
void PrepareAnswer(Link& link, const std::vector<remediation::DecisionSummary>& decisions) {
  link.body.clear();
  AppendDecisionsJson(link.body, decisions);
  char head[kHeadBytes];
  link.answer.assign(head, FormatHead(head, 200, link.body.size(), true));
  link.answer += link.body;
}

}  // namespace

// Finished submits, handed from the decision log's flusher thread to the loop. Shared with
// the submit callbacks, so a late callback (after the loop gave up waiting) stays harmless.
struct FrontServer::Mailbox {
  std::mutex mu;
  std::vector<Completion> done;
  int wake_fd = -1;
  std::atomic<int> in_flight{0};  // submits not yet answered (or queued for the loop)
  std::atomic<bool> stopping{false};

  ~Mailbox() {
    if (wake_fd >= 0) ::close(wake_fd);
  }
  void Post(Completion c) {
    bool first;
    {
      std::lock_guard<std::mutex> lock(mu);
      first = done.empty();
      done.push_back(std::move(c));
    }
    if (first) Wake();
  }
  void Wake() const {
    uint64_t one = 1;
    ssize_t n = ::write(wake_fd, &one, sizeof one);
    (void)n;  // EAGAIN: the counter is saturated, the loop wakes anyway
  }
};

namespace {

// On the thread that completes a direct submit (see Link): sends the answer, then hands the
// connection back — to nobody when the loop has nothing to do on it (the next request's
// readiness wakes the loop anyway), else through the mailbox.
void AnswerDirectly(FrontServer::Mailbox& mb, Link& link, uint64_t conn_id, const Status& recorded,
                    RequestCounter* counter) {
  int status = 200;
  if (!recorded.ok()) {  // nothing was recorded: the prepared 200 is replaced by the error
    WebhookAnswer a = AnswerForDecisions(recorded);
    status = a.status;
    link.answer.clear();
    AppendResponse(link.answer, a, true);
  }
  if (counter) counter->Count(status);
  const std::string& out = link.answer;
  bool resume;
  {
    std::lock_guard<std::mutex> lock(link.mu);
    size_t sent = 0;
    while (link.fd >= 0 && sent < out.size()) {
      ssize_t n = ::send(link.fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        sent += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      break;  // EAGAIN or an error: the loop sends the rest (and sees the error)
    }
    if (link.fd >= 0 && sent < out.size()) link.leftover.assign(out, sent);
    link.busy = false;
    resume = link.stalled || !link.leftover.empty();
    link.stalled = false;
  }
  if (resume) {
    mb.Post(Completion{conn_id, {}, true});  // the loop counts it off when delivered
    return;
  }
  mb.in_flight.fetch_sub(1);
  if (mb.stopping.load()) mb.Wake();
}

}  // namespace

// A connection handed to the backend: bytes copied both ways by its own thread.
struct Pipe {
  int client = -1;
  int backend = -1;
  std::atomic<bool> finished{false};
  std::thread thread;
};

struct Conn {
  int fd = -1;
  uint64_t id = 0;
  std::string in;
  size_t in_pos = 0;  // bytes of `in` already consumed
  std::string out;
  size_t out_pos = 0;
  size_t skip = 0;          // body bytes of a rejected request still to discard
  bool busy = false;        // a submit is in flight (as of the loop's last look, if direct)
  bool direct = false;      // ... and its answer goes out through `link`, not the mailbox
  std::shared_ptr<Link> link;
  bool keep_alive = true;   // of the request in flight
  bool continued = false;   // "100 Continue" sent for the current request
  bool eof = false;         // the peer closed its side (a read returned 0)
  bool peer_closing = false;  // epoll reported it (EPOLLRDHUP/HUP/ERR): read until eof
  bool unread = false;      // reading stopped at the buffer cap: the socket may hold more
  bool watch_out = false;   // EPOLLOUT is in the interest set (a send hit EAGAIN)
  bool close_after_write = false;
  int64_t last_active_ns = 0;
};

struct FrontServer::Loop {
  FrontServer* server = nullptr;
  int epoll_fd = -1;
  std::shared_ptr<Mailbox> mailbox;
  std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns;
  std::list<std::unique_ptr<Pipe>> pipes;
  uint64_t next_id = 2;
  alerts::Payload payload;  // each webhook body is parsed into this one (memory reused)

  ~Loop() {
    for (auto& [id, c] : conns) {
      std::lock_guard<std::mutex> lock(c->link->mu);
      c->link->fd = -1;
      ::close(c->fd);
    }
    for (auto& p : pipes) {
      ::shutdown(p->client, SHUT_RDWR);
      ::shutdown(p->backend, SHUT_RDWR);
    }
    for (auto& p : pipes) {
      if (p->thread.joinable()) p->thread.join();
      ::close(p->client);
      ::close(p->backend);
    }
    if (epoll_fd >= 0) ::close(epoll_fd);
  }

  void Accept(int listen_fd) {
    for (;;) {
      int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR) continue;
        return;  // EAGAIN, or out of fds (the next readiness retries)
      }
      if (conns.size() >= kMaxConnections) {
        ::close(fd);
        continue;
      }
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      c->id = next_id++;
      c->link = std::make_shared<Link>();
      c->link->fd = fd;
      c->last_active_ns = SteadyNs();
      epoll_event ev{};
      // EPOLLOUT only while a send is blocked (WatchOut): else every ACK of an answer
      // would raise an edge and a wake-up.
      ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
      ev.data.u64 = c->id;
      if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        ::close(fd);
        continue;
      }
      conns.emplace(c->id, std::move(c));
    }
  }

  void Close(Conn& c) {
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    {
      std::lock_guard<std::mutex> lock(c.link->mu);
      c.link->fd = -1;
    }
    ::close(c.fd);
    conns.erase(c.id);  // destroys c
  }

  // Reads what is there (edge-triggered: until drained). Sets eof when the peer is gone.
  // Buffers at most about one request beyond what is consumed; returns true when it stopped
  // there with data possibly left in the socket (the caller reads again after Process).
  bool ReadMore(Conn& c) {
    char buf[16 * 1024];
    for (;;) {
      if (c.in.size() - c.in_pos > server->options_.max_body_bytes + kMaxHeadBytes) return true;
      ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        c.last_active_ns = SteadyNs();
        // A short read drained the socket; data arriving later raises a new edge. (Saves
        // the EAGAIN recv per request.) Not when the peer's end came too: it came in the
        // same edge, and only a read that returns 0 tells it.
        if (static_cast<size_t>(n) < sizeof buf && !c.peer_closing) return false;
        continue;
      }
      if (n == 0) c.eof = true;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) c.eof = true;
      return false;
    }
  }

  // Adds or drops EPOLLOUT interest.
  void WatchOut(Conn& c, bool on) {
    if (c.watch_out == on) return;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (on ? EPOLLOUT : 0u);
    ev.data.u64 = c.id;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
    c.watch_out = on;
  }

  // Sends what is queued. False when the connection was closed.
  bool Flush(Conn& c) {
    while (c.out_pos < c.out.size()) {
      ssize_t n = ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_pos += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        WatchOut(c, true);  // EPOLLOUT resumes
        return true;
      }
      Close(c);
      return false;
    }
    c.out.clear();
    c.out_pos = 0;
    WatchOut(c, false);
    if (c.close_after_write) {
      Close(c);
      return false;
    }
    return true;
  }

  void Queue(Conn& c, const WebhookAnswer& a, bool keep_alive) {
    if (server->options_.webhook_requests) server->options_.webhook_requests->Count(a.status);
    AppendResponse(c.out, a, keep_alive);
    if (!keep_alive) c.close_after_write = true;
  }

  // Whether a submit of `c` is still in flight. For a direct one this asks the link; when
  // it is still busy, the completing thread is told to resume the loop on `c` afterwards
  // (`mark_stalled`), and when it is done, bytes it could not send move to `c.out`.
  bool StillBusy(Conn& c, bool mark_stalled = true) {
    if (!c.busy) return false;
    if (!c.direct) return true;
    std::lock_guard<std::mutex> lock(c.link->mu);
    if (c.link->busy) {
      if (mark_stalled) c.link->stalled = true;
      return true;
    }
    c.busy = false;
    c.direct = false;
    if (!c.link->leftover.empty()) {
      c.out.append(c.link->leftover);
      c.link->leftover.clear();
    }
    return false;
  }

  // Turns `c` into a byte pipe to the backend, starting with its unconsumed input.
  void StartPipe(Conn& c) {
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    {
      std::lock_guard<std::mutex> lock(c.link->mu);
      c.link->fd = -1;
    }
    int client = c.fd;
    std::string pending = c.in.substr(c.in_pos);
    std::string unsent = c.out.substr(c.out_pos);
    conns.erase(c.id);
    int flags = ::fcntl(client, F_GETFL);
    ::fcntl(client, F_SETFL, flags & ~O_NONBLOCK);
    int backend = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server->options_.backend_port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (backend < 0 || ::connect(backend, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      spdlog::error("http: cannot reach the internal server on port {}: {}",
                    server->options_.backend_port, std::strerror(errno));
      if (backend >= 0) ::close(backend);
      ::close(client);
      return;
    }
    int one = 1;
    ::setsockopt(backend, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto p = std::make_unique<Pipe>();
    p->client = client;
    p->backend = backend;
    Pipe* raw = p.get();
    p->thread = std::thread([raw, pending = std::move(pending), unsent = std::move(unsent)] {
      auto write_all = [](int fd, const char* data, size_t n) {
        while (n > 0) {
          ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
          if (w < 0 && errno == EINTR) continue;
          if (w <= 0) return false;
          data += w;
          n -= static_cast<size_t>(w);
        }
        return true;
      };
      bool ok = write_all(raw->client, unsent.data(), unsent.size()) &&
                write_all(raw->backend, pending.data(), pending.size());
      bool open[2] = {ok, ok};  // client->backend, backend->client
      char buf[16 * 1024];
      while (open[0] || open[1]) {
        pollfd fds[2] = {{raw->client, static_cast<short>(open[0] ? POLLIN : 0), 0},
                         {raw->backend, static_cast<short>(open[1] ? POLLIN : 0), 0}};
        if (::poll(fds, 2, -1) < 0) {
          if (errno == EINTR) continue;
          break;
        }
        for (int i = 0; i < 2; ++i) {
          if (!open[i] || fds[i].revents == 0) continue;
          int from = i == 0 ? raw->client : raw->backend;
          int to = i == 0 ? raw->backend : raw->client;
          ssize_t n = ::recv(from, buf, sizeof buf, 0);
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0 || !write_all(to, buf, static_cast<size_t>(n))) {
            open[i] = false;
            ::shutdown(to, SHUT_WR);
          }
        }
      }
      raw->finished.store(true);
    });
    pipes.push_back(std::move(p));
  }

  void ReapPipes() {
    for (auto it = pipes.begin(); it != pipes.end();) {
      if (!(*it)->finished.load()) {
        ++it;
        continue;
      }
      (*it)->thread.join();
      ::close((*it)->client);
      ::close((*it)->backend);
      it = pipes.erase(it);
    }
  }

  // Serves the buffered requests of `c` until one is in flight, more bytes are needed, or
  // the connection is gone (or handed to the backend).
  void Process(Conn& c) {
    const FrontOptions& opt = server->options_;
    for (;;) {
      // Busy: wait for the answer. A direct one posts a resume when done if the loop has
      // something left to do here (buffered input, EOF, unread bytes).
      if (c.busy && StillBusy(c, c.in_pos < c.in.size() || c.eof || c.unread)) break;
      if (c.skip > 0) {
        size_t n = std::min(c.skip, c.in.size() - c.in_pos);
        c.in_pos += n;
        c.skip -= n;
        if (c.skip > 0) break;
      }
      size_t avail = c.in.size() - c.in_pos;
      if (avail == 0) break;
      std::string_view buf(c.in.data() + c.in_pos, avail);
      size_t end = buf.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        if (avail > kMaxHeadBytes) {
          Queue(c, ErrorAnswer(431, "request head too large"), false);
          c.in_pos = c.in.size();
        }
        break;
      }
      Head h;
      bool parsed = ParseHead(buf.substr(0, end), h);
      std::string_view path = h.target.substr(0, h.target.find('?'));
      if (!parsed || h.method != "POST" || !IsWebhookPath(path) || !h.transfer_encoding.empty()) {
        StartPipe(c);  // answers still queued are sent before anything from the backend
        return;
      }
      bool keep_alive = h.version == "HTTP/1.1" ? !EqualsLowerAscii(h.connection, "close")
                                                : EqualsLowerAscii(h.connection, "keep-alive");
      bool expect_continue = EqualsLowerAscii(h.expect, "100-continue");
      size_t head_len = end + 4;
      size_t length = 0;
      if (!h.has_content_length) {
        c.in_pos += head_len;
        Queue(c, opt.auth->Check(h.authorization) ? ErrorAnswer(411, "Content-Length required")
                                                  : Unauthorized(),
              keep_alive);
        continue;
      }
      if (!ParseLength(h.content_length, length)) {
        c.in_pos = c.in.size();
        Queue(c, ErrorAnswer(400, "bad Content-Length"), false);
        break;
      }
      if (std::optional<WebhookAnswer> a =
              CheckWebhookHeaders(*opt.auth, h.authorization, h.content_type)) {
        c.in_pos += head_len;
        if (expect_continue || length > opt.max_body_bytes) {
          Queue(c, *a, false);
          break;
        }
        c.skip = length;  // the body is skipped, never buffered
        Queue(c, *a, keep_alive);
        continue;
      }
      if (length > opt.max_body_bytes) {
        c.in_pos = c.in.size();
        Queue(c, ErrorAnswer(413, "request body too large"), false);
        break;
      }
      if (avail < head_len + length) {
        if (expect_continue && !c.continued) {
          c.out += "HTTP/1.1 100 Continue\r\n\r\n";
          c.continued = true;
        }
        break;
      }
      std::string_view body = buf.substr(head_len, length);
      // Into the loop's one Payload: SubmitAsync reads it only during the call.
      Status parsed_body = alerts::ParsePayloadInto(body, payload);
      c.in_pos += head_len + length;
      c.continued = false;
      if (!parsed_body.ok()) {
        Queue(c, BadPayload(parsed_body), keep_alive);
        continue;
      }
      c.busy = true;
      c.keep_alive = keep_alive;
      // Direct when the answer is the next thing to send and the connection stays open.
      c.direct = keep_alive && c.out_pos == c.out.size();
      mailbox->in_flight.fetch_add(1);
      if (c.direct) {
        {
          std::lock_guard<std::mutex> lock(c.link->mu);
          c.link->busy = true;
        }
        // The answer is made here (prepare), the completing thread only sends it. `done`
        // keeps the link alive until both have run.
        server->service_.SubmitAsyncPrepared(
            payload,
            [link = c.link.get()](const std::vector<remediation::DecisionSummary>& decisions) {
              PrepareAnswer(*link, decisions);
            },
            [mb = mailbox, link = c.link, id = c.id, counter = opt.webhook_requests](const Status& st) {
              AnswerDirectly(*mb, *link, id, st, counter);
            });
      } else {
        server->service_.SubmitAsync(
            payload, [mb = mailbox, id = c.id](Result<std::vector<remediation::DecisionSummary>> r) {
              mb->Post(Completion{id, AnswerForDecisions(r)});
            });
      }
      continue;  // the answer may have come already (a synchronous SubmitAsync)
    }
    // Drop consumed input (all of it, or a large prefix).
    if (c.in_pos == c.in.size()) {
      c.in.clear();
      c.in_pos = 0;
    } else if (c.in_pos > 64 * 1024) {
      c.in.erase(0, c.in_pos);
      c.in_pos = 0;
    }
  }

  // Reads (when `read`: after a readiness event, or when an earlier read stopped at the
  // cap), serves and writes `c`; closes it when done. Without `read` only the requests
  // already buffered are served: the socket was drained, and new bytes raise a new edge.
  // `events`: the readiness event's flags.
  void Service(Conn& c, bool read = true, uint32_t events = 0) {
    uint64_t id = c.id;
    if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) c.peer_closing = true;
    for (;;) {
      if (read || c.unread) c.unread = ReadMore(c);
      size_t buffered = c.in.size() - c.in_pos;
      Process(c);
      if (conns.count(id) == 0) return;  // piped
      // Stopped at the buffer cap: read on as long as Process consumed something (a busy
      // connection reads on when its answer is delivered).
      if (!c.unread || c.busy || c.close_after_write || c.in.size() - c.in_pos >= buffered) break;
    }
    if (!Flush(c)) return;
    if (c.eof && !c.busy) Close(c);
  }

  void Deliver() {
    std::vector<Completion> done;
    {
      std::lock_guard<std::mutex> lock(mailbox->mu);
      done.swap(mailbox->done);
    }
    for (Completion& d : done) {
      mailbox->in_flight.fetch_sub(1);
      auto it = conns.find(d.conn_id);
      if (it == conns.end()) continue;
      if (d.resume) {
        Service(*it->second, false);
        continue;
      }
      Conn& c = *it->second;
      c.busy = false;
      Queue(c, d.answer, c.keep_alive);
      if (c.close_after_write) {
        Flush(c);
        continue;
      }
      Service(c, false);
    }
  }

  void SweepIdle(int64_t now) {
    std::vector<uint64_t> idle;
    for (auto& [id, c] : conns) {
      if (!StillBusy(*c, false) && c->out.empty() && now - c->last_active_ns > kIdleTimeoutNs) {
        idle.push_back(id);
      }
    }
    for (uint64_t id : idle) Close(*conns[id]);
  }
};

FrontServer::FrontServer(FrontOptions options, remediation::RemediationService& service)
    : options_(std::move(options)), service_(service) {}

FrontServer::~FrontServer() {
  Stop();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

Result<int> FrontServer::Bind(const ListenAddress& address) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(address.port);
  const char* host = address.host.empty() ? nullptr : address.host.c_str();
  auto fail = [&](std::string_view why) {
    return Unavailable(fmt::format("cannot listen on {}:{}: {}", address.host, address.port, why));
  };
  if (int rc = ::getaddrinfo(host, port.c_str(), &hints, &found); rc != 0) {
    return fail(::gai_strerror(rc));
  }
  int err = 0;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    // SO_REUSEADDR for fast restarts; not SO_REUSEPORT, which would let a second instance
    // bind the same port and silently split the webhooks.
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) {
      listen_fd_ = fd;
      break;
    }
    err = errno;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0) return fail(std::strerror(err));
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  int bound_port = bound.ss_family == AF_INET6
                       ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                       : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  auto mailbox = std::make_shared<Mailbox>();
  mailbox->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (mailbox->wake_fd < 0) return fail(std::strerror(errno));
  wake_fd_ = mailbox->wake_fd;
  mailbox_ = mailbox;
  loop_ = std::make_shared<Loop>();
  loop_->server = this;
  loop_->mailbox = std::move(mailbox);
  return bound_port;
}

Status FrontServer::Run() {
  if (listen_fd_ < 0 || !loop_) return FailedPrecondition("FrontServer::Run before Bind");
  Loop& loop = *loop_;
  loop.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (loop.epoll_fd < 0) return Unavailable(fmt::format("epoll: {}", std::strerror(errno)));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenId;
  ::epoll_ctl(loop.epoll_fd, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.u64 = kWakeId;
  ::epoll_ctl(loop.epoll_fd, EPOLL_CTL_ADD, wake_fd_, &ev);
  running_.store(true);
  bool accepting = true;
  int64_t drain_deadline = 0;
  int64_t last_sweep = SteadyNs();
  std::vector<epoll_event> events(256);
  for (;;) {
    if (stopping_.load()) {
      if (accepting) {
        accepting = false;
        running_.store(false);
        ::epoll_ctl(loop.epoll_fd, EPOLL_CTL_DEL, listen_fd_, nullptr);
        ::close(listen_fd_);  // new connections are refused from now on
        listen_fd_ = -1;
        drain_deadline = SteadyNs() + kDrainTimeoutNs;
      }
      if (loop.mailbox->in_flight.load() == 0 || SteadyNs() > drain_deadline) break;
    }
    int n = ::epoll_wait(loop.epoll_fd, events.data(), static_cast<int>(events.size()), 1000);
    if (n < 0) {
      if (errno == EINTR) continue;
      running_.store(false);
      return Unavailable(fmt::format("epoll_wait: {}", std::strerror(errno)));
    }
    // The decisions of one pass share one group commit: the log starts no new round
    // before the pass is done (else the first submit would sync alone).
    if (n > 0) service_.HoldCommits();
    for (int i = 0; i < n; ++i) {
      uint64_t id = events[i].data.u64;
      if (id == kListenId) {
        if (accepting) loop.Accept(listen_fd_);
        continue;
      }
      if (id == kWakeId) {
        uint64_t count;  // one read takes the whole counter
        (void)!::read(wake_fd_, &count, sizeof count);
        loop.Deliver();
        continue;
      }
      auto it = loop.conns.find(id);
      if (it == loop.conns.end()) continue;
      loop.Service(*it->second, true, events[i].events);
    }
    if (n > 0) service_.ReleaseCommits();
    int64_t now = SteadyNs();
    if (now - last_sweep > 1'000'000'000) {
      last_sweep = now;
      loop.SweepIdle(now);
      loop.ReapPipes();
    }
  }
  running_.store(false);
  loop_.reset();  // closes connections, ends pipes, joins their threads (Run's thread only)
  return Status::Ok();
}

void FrontServer::Stop() {
  stopping_.store(true);
  if (mailbox_) {
    mailbox_->stopping.store(true);
    mailbox_->Wake();
  }
}

}  // namespace remediator::http
