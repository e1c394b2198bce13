// A Server bound to a free port on 127.0.0.1 and run on its own thread, for the tests that
// talk to it over real sockets. Stopped and joined when it goes out of scope.
#pragma once

#include <memory>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "http/server.h"

namespace remediator::http::testing {

class RunningServer {
 public:
  RunningServer() = default;
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;
  ~RunningServer() { StopAndJoin(); }

  // Binds and starts Run() on a thread; the port, or why it could not bind.
  Result<int> Start(ServerOptions options, remediation::RemediationService& service) {
    server_ = std::make_unique<Server>(std::move(options), service);
    Result<int> port = server_->Bind({"127.0.0.1", 0});
    if (port.ok()) runner_ = std::thread([this] { EXPECT_TRUE(server_->Run().ok()); });
    return port;
  }

  Server& server() { return *server_; }
  // Waits for Run() to return (after server().Stop()).
  void Join() {
    if (runner_.joinable()) runner_.join();
  }
  void StopAndJoin() {
    if (server_ != nullptr) server_->Stop();
    Join();
  }

 private:
  std::unique_ptr<Server> server_;
  std::thread runner_;
};

}  // namespace remediator::http::testing
