#include "remediation/engine.h"

namespace remediator::remediation {

// Placeholder implementation: decides nothing yet (filled in by the next commits).
class Engine::Impl {
 public:
  Impl(Config config, Clock& clock, EngineOptions options)
      : config_(std::move(config)), clock_(clock), options_(std::move(options)) {}
  Config config_;
  Clock& clock_;
  EngineOptions options_;
  bool paused_ = false;
};

Result<std::unique_ptr<Engine>> Engine::Create(const Config& config, Clock& clock,
                                               EngineOptions options) {
  return std::unique_ptr<Engine>(new Engine(std::make_unique<Impl>(config, clock, std::move(options))));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() { Shutdown(); }

Result<std::vector<DecisionSummary>> Engine::Submit(const alerts::Payload& payload) {
  return Internal("engine: not implemented yet");
}
Status Engine::SetPaused(bool paused) {
  impl_->paused_ = paused;
  return Status::Ok();
}
bool Engine::paused() const { return impl_->paused_; }
Status Engine::ResetCircuit(std::string_view playbook) {
  if (impl_->config_.FindPlaybook(playbook) == nullptr) return NotFound("unknown playbook");
  return Status::Ok();
}
std::string Engine::StatusJson() const { return "{}"; }
void Engine::AppendMetrics(std::string& out) const {}
Status Engine::Reopen() { return Status::Ok(); }
bool Engine::WaitIdle(int64_t timeout_ns) { return true; }
void Engine::Shutdown() {}
const Config& Engine::config() const { return impl_->config_; }

}  // namespace remediator::remediation
