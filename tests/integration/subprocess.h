// A child process for integration tests: argv (no shell), stdout/stderr to files, SIGTERM then
// SIGKILL on destruction.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace remediator::testing {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls `pred` every 20 ms until it is true or `timeout` passed; returns its last value.
template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

class Subprocess {
 public:
  Subprocess() = default;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess() { Kill(); }

  // Starts argv[0] with stdout and stderr appended to `log_path`. False when spawn failed.
  bool Start(const std::vector<std::string>& argv, const std::string& log_path) {
    log_path_ = log_path;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) pid_ = -1;
    return rc == 0;
  }

  pid_t pid() const { return pid_; }
  std::string Output() const { return ReadWholeFile(log_path_); }
  bool Signal(int sig) const { return pid_ > 0 && ::kill(pid_, sig) == 0; }

  // Waits for exit up to `timeout`; returns the exit status (as from waitpid) or -1.
  int Wait(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return exit_status_;
    int status = 0;
    bool done = WaitFor(
        [&] {
          pid_t r = ::waitpid(pid_, &status, WNOHANG);
          return r == pid_;
        },
        timeout);
    if (!done) return -1;
    pid_ = -1;
    exit_status_ = status;
    return status;
  }

  void Kill() {
    if (pid_ <= 0) return;
    Signal(SIGTERM);
    if (Wait(std::chrono::seconds(10)) == -1 && pid_ > 0) {
      Signal(SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
  std::string log_path_;
};

}  // namespace remediator::testing
