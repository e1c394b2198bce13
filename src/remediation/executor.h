// Runs one playbook process: posix_spawn (never a shell) in its own process group, with a
// clean environment, stdin from /dev/null, stdout/stderr captured into bounded previews,
// and a timeout enforced on the whole group (SIGTERM, then SIGKILL after a grace period).
//
// Run() blocks the calling thread until the process exited or was killed. Thread-safe
// (no shared state); it does not reap children it did not spawn.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace remediator::remediation {

struct RunSpec {
  std::vector<std::string> argv;  // argv[0] is an absolute path
  std::vector<std::pair<std::string, std::string>> env;  // the whole environment
  std::string working_dir;        // "" = inherit
  int64_t timeout_ns = 0;         // > 0
  int64_t kill_grace_ns = 5'000'000'000;
  size_t output_limit = 4096;     // bytes kept of stdout and of stderr each
};

enum class RunOutcome {
  kExited,         // exited on its own; exit_code is its status (128+N when killed by signal N)
  kTimedOut,       // killed after the timeout
  kFailedToStart,  // spawn failed; error says why
};

struct RunResult {
  RunOutcome outcome = RunOutcome::kFailedToStart;
  int exit_code = -1;
  std::string stdout_preview;
  std::string stderr_preview;
  bool output_truncated = false;
  int64_t duration_ns = 0;  // steady time from spawn to reap
  std::string error;        // for kFailedToStart
};

// Runs `spec` as a real process (posix_spawn; see the top of this file).
RunResult RunProcess(const RunSpec& spec);

// What the engine runs playbooks through: the real one spawns processes; tests inject one
// that returns scripted outcomes (and may block) without spawning anything.
// Run() is called from the engine's worker threads, concurrently for different playbooks.
class Runner {
 public:
  virtual ~Runner() = default;
  virtual RunResult Run(const RunSpec& spec) = 0;
};

// RunProcess behind the Runner interface. Stateless.
class ProcessRunner final : public Runner {
 public:
  RunResult Run(const RunSpec& spec) override { return RunProcess(spec); }
};

}  // namespace remediator::remediation
