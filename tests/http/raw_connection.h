// A blocking loopback HTTP/1.1 connection for tests that need exact bytes on the wire
// (httplib's client always adds Content-Length and never pipelines).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>

namespace remediator::http::testing {

class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{3, 0};  // an answer slower than this fails the test (httplib's wait is 5 s)
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }
  // True once a Read saw the server close the connection.
  bool closed() const { return closed_; }

  // Sends `request` and reads one response (headers + Content-Length bytes of body).
  // Returns "" on timeout or close before a whole response arrived.
  std::string Exchange(const std::string& request) {
    if (!Send(request)) return "";
    return Read();
  }
  // Half-closes: the server reads EOF, answers still arrive.
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  bool Send(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Reads one response ("" on timeout or close first).
  std::string Read() {
    for (;;) {
      size_t head_end = buf_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        size_t len = 0;
        size_t cl = buf_.find("Content-Length: ");
        if (cl != std::string::npos && cl < head_end) len = std::stoul(buf_.substr(cl + 16));
        if (buf_.size() >= head_end + 4 + len) {
          std::string out = buf_.substr(0, head_end + 4 + len);
          buf_.erase(0, out.size());
          return out;
        }
      }
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        closed_ = n == 0;
        return "";
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string buf_;
};

}  // namespace remediator::http::testing
