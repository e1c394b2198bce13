#include "remediation/executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

namespace remediator::remediation {
namespace {

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() { Close(); }
  bool Open() { return ::pipe2(fds, O_CLOEXEC) == 0; }
  void CloseRead() {
    if (fds[0] >= 0) ::close(fds[0]);
    fds[0] = -1;
  }
  void CloseWrite() {
    if (fds[1] >= 0) ::close(fds[1]);
    fds[1] = -1;
  }
  void Close() {
    CloseRead();
    CloseWrite();
  }
};

// Reads what is available from `fd` into `out` (up to `limit`, the rest is discarded).
// Returns false at EOF or on a read error.
bool Drain(int fd, std::string& out, size_t limit, bool& truncated) {
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      size_t room = out.size() < limit ? limit - out.size() : 0;
      size_t take = std::min(room, static_cast<size_t>(n));
      out.append(buf, take);
      if (take < static_cast<size_t>(n)) truncated = true;
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

RunResult RunProcess(const RunSpec& spec) {
  RunResult result;
  if (spec.argv.empty()) {
    result.error = "empty command";
    return result;
  }
  Pipe out, err;
  if (!out.Open() || !err.Open()) {
    result.error = fmt::format("pipe: {}", std::strerror(errno));
    return result;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  if (!spec.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, spec.working_dir.c_str());
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, all;
  sigemptyset(&empty);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &all);  // no ignored SIGPIPE/SIGHUP leaks into playbooks
  posix_spawnattr_setpgroup(&attr, 0);         // a new process group: the timeout kills it all
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  env_storage.reserve(spec.env.size());
  for (const auto& [k, v] : spec.env) env_storage.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  int64_t start = SteadyNowNs();
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  out.CloseWrite();
  err.CloseWrite();
  if (rc != 0) {
    result.error = fmt::format("spawn {}: {}", spec.argv[0], std::strerror(rc));
    return result;
  }

  ::fcntl(out.fds[0], F_SETFL, O_NONBLOCK);
  ::fcntl(err.fds[0], F_SETFL, O_NONBLOCK);
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));

  const int64_t deadline = start + spec.timeout_ns;
  int64_t kill_at = INT64_MAX;  // when SIGKILL goes out (after SIGTERM)
  bool timed_out = false;
  bool out_open = true, err_open = true;
  bool exited = false;
  int status = 0;

  while (!exited) {
    int64_t now = SteadyNowNs();
    if (!timed_out && now >= deadline) {
      timed_out = true;
      ::kill(-pid, SIGTERM);
      kill_at = now + spec.kill_grace_ns;
    }
    if (timed_out && now >= kill_at) {
      ::kill(-pid, SIGKILL);
      kill_at = INT64_MAX;
    }
    int64_t wake = timed_out ? kill_at : deadline;
    // Without a pidfd, poll in short steps and check waitpid.
    int64_t wait_ns = wake == INT64_MAX ? 100'000'000 : std::max<int64_t>(0, wake - now);
    if (pidfd < 0) wait_ns = std::min<int64_t>(wait_ns, 20'000'000);
    pollfd fds[3];
    int nfds = 0;
    int out_i = -1, err_i = -1, pid_i = -1;
    if (out_open) {
      out_i = nfds;
      fds[nfds++] = pollfd{out.fds[0], POLLIN, 0};
    }
    if (err_open) {
      err_i = nfds;
      fds[nfds++] = pollfd{err.fds[0], POLLIN, 0};
    }
    if (pidfd >= 0) {
      pid_i = nfds;
      fds[nfds++] = pollfd{pidfd, POLLIN, 0};
    }
    int timeout_ms = static_cast<int>((wait_ns + 999'999) / 1'000'000);
    int n = ::poll(fds, static_cast<nfds_t>(nfds), timeout_ms);
    if (n < 0 && errno != EINTR) break;
    if (out_i >= 0 && (fds[out_i].revents & (POLLIN | POLLHUP | POLLERR))) {
      out_open = Drain(out.fds[0], result.stdout_preview, spec.output_limit, result.output_truncated);
    }
    if (err_i >= 0 && (fds[err_i].revents & (POLLIN | POLLHUP | POLLERR))) {
      err_open = Drain(err.fds[0], result.stderr_preview, spec.output_limit, result.output_truncated);
    }
    if (pidfd < 0 || (pid_i >= 0 && (fds[pid_i].revents & POLLIN))) {
      pid_t w = ::waitpid(pid, &status, WNOHANG);
      if (w == pid) exited = true;
    }
  }
  if (!exited) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  result.duration_ns = SteadyNowNs() - start;
  // The playbook exited; take what its pipes still hold, but do not wait for EOF (a
  // daemon it started may keep them open).
  if (out_open) Drain(out.fds[0], result.stdout_preview, spec.output_limit, result.output_truncated);
  if (err_open) Drain(err.fds[0], result.stderr_preview, spec.output_limit, result.output_truncated);
  if (timed_out) {
    // Whatever of the group is still alive goes too.
    ::kill(-pid, SIGKILL);
  }
  if (pidfd >= 0) ::close(pidfd);
  result.exit_code = ExitCodeOf(status);
  result.outcome = timed_out ? RunOutcome::kTimedOut : RunOutcome::kExited;
  return result;
}

}  // namespace remediator::remediation
