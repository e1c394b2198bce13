#include "pipeline/sinks/loki_push_sink.h"

#include <cstdio>

#include <fmt/format.h>

namespace remediator::pipeline::sinks {

LokiPushSink::LokiPushSink(ClientConfig config, PushEncoding encoding, LokiPushDeps deps)
    : config_(std::move(config)),
      encoding_(encoding),
      name_("loki:" + config_.url),
      transport_(deps.transport ? std::move(deps.transport) : std::make_unique<CurlTransport>()),
      waiter_(deps.waiter ? deps.waiter : &real_waiter_),
      backoff_(config_.backoff.min_period_ns, config_.backoff.max_period_ns,
               deps.random ? std::move(deps.random) : MakeRandomSource()),
      log_(deps.log ? std::move(deps.log)
                    : [](std::string_view m) { std::fprintf(stderr, "%.*s\n", static_cast<int>(m.size()), m.data()); }) {}

LokiPushSink::~LokiPushSink() = default;

Status LokiPushSink::Send(std::span<const LogEntry> batch) {
  const auto limit = static_cast<size_t>(config_.batch_size_bytes > 0 ? config_.batch_size_bytes : 1);
  size_t begin = 0, bytes = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (i > begin && bytes + batch[i].line.size() > limit) {
      REMEDIATOR_RETURN_IF_ERROR(Push(batch.subspan(begin, i - begin)));
      begin = i;
      bytes = 0;
    }
    bytes += batch[i].line.size();
  }
  if (begin < batch.size()) return Push(batch.subspan(begin));
  return Status::Ok();
}

Status LokiPushSink::Push(std::span<const LogEntry> chunk) {
  auto body = EncodePushBody(chunk, config_.external_labels, encoding_);
  if (!body.ok()) return body.status();
  HttpRequest req;
  req.url = config_.url;
  req.body = std::move(body).value();
  req.timeout_ns = config_.timeout_ns;
  req.headers.emplace_back("Content-Type", std::string(ContentType(encoding_)));
  if (!config_.tenant_id.empty()) req.headers.emplace_back("X-Scope-OrgID", config_.tenant_id);
  if (!config_.bearer_token.empty()) req.headers.emplace_back("Authorization", "Bearer " + config_.bearer_token);
  if (config_.has_basic_auth) {
    req.basic_user = config_.basic_auth.username;
    req.basic_password = config_.basic_auth.password;
  }
  for (const auto& h : config_.headers) req.headers.push_back(h);
  size_t line_bytes = 0;
  for (const LogEntry& e : chunk) line_bytes += e.line.size();

  const int64_t max_retries = config_.backoff.max_retries;
  for (int64_t attempt = 0;; ++attempt) {
    if (attempt > 0) stats_.retries.fetch_add(1, std::memory_order_relaxed);
    stats_.requests.fetch_add(1, std::memory_order_relaxed);
    auto resp = transport_->Post(req);
    std::string why;
    if (resp.ok()) {
      const int code = resp->status;
      if (code >= 200 && code < 300) {
        stats_.sent_entries.fetch_add(chunk.size(), std::memory_order_relaxed);
        stats_.sent_bytes.fetch_add(line_bytes, std::memory_order_relaxed);
        return Status::Ok();
      }
      const bool retryable = code == 429 ? !config_.drop_rate_limited_batches : code >= 500;
      if (!retryable) {
        stats_.dropped_entries.fetch_add(chunk.size(), std::memory_order_relaxed);
        std::string msg = fmt::format("loki push {}: HTTP {}: dropped {} entries: {}", config_.url, code,
                                      chunk.size(), resp->body.substr(0, 256));
        log_(msg);
        return InvalidArgument(std::move(msg));
      }
      why = fmt::format("HTTP {}", code);
    } else {
      why = resp.status().message();
    }
    if (attempt >= max_retries) {
      stats_.failed_batches.fetch_add(1, std::memory_order_relaxed);
      std::string msg = fmt::format("loki push {}: giving up after {} retries: {}", config_.url, attempt, why);
      log_(msg);
      return Unavailable(std::move(msg));
    }
    const int64_t wait = backoff_.Delay(static_cast<int>(attempt));
    log_(fmt::format("loki push {}: {}; retry {} in {} ms", config_.url, why, attempt + 1, wait / 1'000'000));
    waiter_->Wait(wait);
  }
}

}  // namespace remediator::pipeline::sinks
