#include "remediation/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "alerts/matcher_parser.h"
#include "core/duration.h"
#include "core/yaml_config.h"
#include "remediation/param_template.h"

namespace remediator::remediation {
namespace {

namespace fs = std::filesystem;

// The PATH searched for a playbook command without a '/' (the same PATH the playbook gets).
constexpr std::string_view kSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Reads one config document; every error names the dotted key path.
class ConfigReader {
 public:
  ConfigReader(ConfigContext ctx, std::string folder) : ctx_(std::move(ctx)), folder_(std::move(folder)) {}

  Status Read(const YAML::Node& root, Config& cfg);

 private:
  Status Error(const YAML::Node& node, std::string_view key, std::string_view message) const {
    return ConfigError(ctx_, node, key, message);
  }

  // node[key], or an undefined node. Never inserts (const access).
  static YAML::Node Get(const YAML::Node& map, std::string_view key) {
    if (!map.IsDefined() || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node& cmap = map;
    YAML::Node v = cmap[std::string(key)];
    return v;
  }
  static bool Present(const YAML::Node& v) { return v.IsDefined() && !v.IsNull(); }

  Status Map(const YAML::Node& node, std::string_view path,
             std::initializer_list<std::string_view> allowed) const {
    if (!node.IsMap()) return Error(node, path, "must be a map");
    return CheckKnownKeys(ctx_, node, path, allowed);
  }

  Status String(const YAML::Node& map, std::string_view path, std::string_view key,
                std::string& out) const {
    YAML::Node v = Get(map, key);
    if (!Present(v)) return Status::Ok();
    if (!v.IsScalar()) return Error(v, JoinKey(path, key), "must be a string");
    out = v.Scalar();
    return Status::Ok();
  }

  Status Bool(const YAML::Node& map, std::string_view path, std::string_view key,
              bool& out) const {
    YAML::Node v = Get(map, key);
    if (!Present(v)) return Status::Ok();
    bool b = false;
    if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) {
      return Error(v, JoinKey(path, key), "must be true or false");
    }
    out = b;
    return Status::Ok();
  }

  Status Int(const YAML::Node& map, std::string_view path, std::string_view key, int64_t& out,
             int64_t min, int64_t max) const {
    YAML::Node v = Get(map, key);
    if (!Present(v)) return Status::Ok();
    long long n = 0;
    if (!v.IsScalar() || !YAML::convert<long long>::decode(v, n)) {
      return Error(v, JoinKey(path, key), fmt::format("must be an integer, got \"{}\"", v.Scalar()));
    }
    if (n < min || n > max) {
      return Error(v, JoinKey(path, key), fmt::format("must be between {} and {}", min, max));
    }
    out = n;
    return Status::Ok();
  }

  Status Duration(const YAML::Node& map, std::string_view path, std::string_view key,
                  int64_t& out, bool allow_zero = false) const {
    YAML::Node v = Get(map, key);
    if (!Present(v)) return Status::Ok();
    if (!v.IsScalar()) return Error(v, JoinKey(path, key), "must be a duration like 5m");
    Result<int64_t> d = ParseDuration(v.Scalar());
    if (!d.ok()) return Error(v, JoinKey(path, key), d.status().message());
    if (*d < 0 || (*d == 0 && !allow_zero)) {
      return Error(v, JoinKey(path, key), "must be a positive duration");
    }
    out = *d;
    return Status::Ok();
  }

  std::string Resolve(const std::string& p) const {
    if (p.empty()) return p;
    fs::path path(p);
    if (path.is_relative()) path = fs::path(folder_) / path;
    return path.lexically_normal().string();
  }

  Status ReadAuth(const YAML::Node& node, AuthConfig& auth);
  Status ReadGuards(const YAML::Node& node, GuardsConfig& guards);
  Status ReadPlaybook(const std::string& name, const YAML::Node& node, PlaybookConfig& pb);
  Status ReadRoute(size_t index, const YAML::Node& node, const Config& cfg, RouteConfig& route);
  Status ReadStringMap(const YAML::Node& node, std::string_view path,
                       std::vector<std::pair<std::string, std::string>>& out) const;
  Status ResolveCommand(const YAML::Node& node, std::string_view path, std::string& argv0) const;

  ConfigContext ctx_;
  std::string folder_;
};

bool IsParamName(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

Status ConfigReader::ReadStringMap(const YAML::Node& node, std::string_view path,
                                   std::vector<std::pair<std::string, std::string>>& out) const {
  if (!Present(node)) return Status::Ok();
  if (!node.IsMap()) return Error(node, path, "must be a map of strings");
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    if (!it->second.IsScalar()) return Error(it->second, JoinKey(path, key), "must be a string");
    out.emplace_back(key, it->second.Scalar());
  }
  return Status::Ok();
}

Status ConfigReader::ReadAuth(const YAML::Node& node, AuthConfig& auth) {
  if (!Present(node)) {
    return Error(node, "auth",
                 "required: set bearer_token_file, basic_auth or insecure_no_auth: true");
  }
  REMEDIATOR_RETURN_IF_ERROR(
      Map(node, "auth", {"bearer_token_file", "basic_auth", "insecure_no_auth"}));
  REMEDIATOR_RETURN_IF_ERROR(String(node, "auth", "bearer_token_file", auth.bearer_token_file));
  REMEDIATOR_RETURN_IF_ERROR(Bool(node, "auth", "insecure_no_auth", auth.insecure_no_auth));
  YAML::Node basic = Get(node, "basic_auth");
  if (Present(basic)) {
    REMEDIATOR_RETURN_IF_ERROR(Map(basic, "auth.basic_auth", {"username", "password_file"}));
    BasicAuthConfig b;
    REMEDIATOR_RETURN_IF_ERROR(String(basic, "auth.basic_auth", "username", b.username));
    REMEDIATOR_RETURN_IF_ERROR(String(basic, "auth.basic_auth", "password_file", b.password_file));
    if (b.username.empty()) return Error(basic, "auth.basic_auth.username", "required");
    if (b.password_file.empty()) return Error(basic, "auth.basic_auth.password_file", "required");
    b.password_file = Resolve(b.password_file);
    auth.basic_auth = std::move(b);
  }
  int set = (auth.bearer_token_file.empty() ? 0 : 1) + (auth.basic_auth ? 1 : 0) +
            (auth.insecure_no_auth ? 1 : 0);
  if (set == 0) {
    return Error(node, "auth",
                 "set one of bearer_token_file, basic_auth or insecure_no_auth: true");
  }
  if (set > 1) {
    return Error(node, "auth",
                 "set only one of bearer_token_file, basic_auth and insecure_no_auth");
  }
  // The files are read by `serve` at start (a missing one stops it there); `check` and
  // `simulate` do not need them, so they are not opened here.
  if (!auth.bearer_token_file.empty()) auth.bearer_token_file = Resolve(auth.bearer_token_file);
  return Status::Ok();
}

Status ConfigReader::ReadGuards(const YAML::Node& node, GuardsConfig& g) {
  if (!Present(node)) return Status::Ok();
  REMEDIATOR_RETURN_IF_ERROR(Map(node, "guards",
                                 {"rate_limit", "idempotency", "circuit_breaker", "oscillation",
                                  "protected_services"}));
  constexpr int64_t kBig = 1'000'000'000;
  if (YAML::Node n = Get(node, "rate_limit"); Present(n)) {
    REMEDIATOR_RETURN_IF_ERROR(Map(n, "guards.rate_limit", {"max", "window"}));
    REMEDIATOR_RETURN_IF_ERROR(Int(n, "guards.rate_limit", "max", g.rate_limit.max, 0, kBig));
    REMEDIATOR_RETURN_IF_ERROR(Duration(n, "guards.rate_limit", "window", g.rate_limit.window_ns));
  }
  if (YAML::Node n = Get(node, "idempotency"); Present(n)) {
    REMEDIATOR_RETURN_IF_ERROR(Map(n, "guards.idempotency", {"window"}));
    REMEDIATOR_RETURN_IF_ERROR(
        Duration(n, "guards.idempotency", "window", g.idempotency.window_ns));
  }
  if (YAML::Node n = Get(node, "circuit_breaker"); Present(n)) {
    REMEDIATOR_RETURN_IF_ERROR(Map(n, "guards.circuit_breaker", {"failures", "cooldown"}));
    REMEDIATOR_RETURN_IF_ERROR(
        Int(n, "guards.circuit_breaker", "failures", g.circuit_breaker.failures, 1, kBig));
    REMEDIATOR_RETURN_IF_ERROR(
        Duration(n, "guards.circuit_breaker", "cooldown", g.circuit_breaker.cooldown_ns));
  }
  if (YAML::Node n = Get(node, "oscillation"); Present(n)) {
    REMEDIATOR_RETURN_IF_ERROR(Map(n, "guards.oscillation", {"threshold", "window"}));
    REMEDIATOR_RETURN_IF_ERROR(
        Int(n, "guards.oscillation", "threshold", g.oscillation.threshold, 1, kBig));
    REMEDIATOR_RETURN_IF_ERROR(
        Duration(n, "guards.oscillation", "window", g.oscillation.window_ns));
  }
  if (YAML::Node n = Get(node, "protected_services"); n.IsDefined()) {
    g.protected_services.clear();
    if (n.IsNull()) return Status::Ok();
    if (!n.IsSequence()) return Error(n, "guards.protected_services", "must be a list of names");
    for (size_t i = 0; i < n.size(); ++i) {
      if (!n[i].IsScalar() || n[i].Scalar().empty()) {
        return Error(n[i], fmt::format("guards.protected_services[{}]", i),
                     "must be a non-empty string");
      }
      g.protected_services.push_back(n[i].Scalar());
    }
  }
  return Status::Ok();
}

Status ConfigReader::ResolveCommand(const YAML::Node& node, std::string_view path,
                                    std::string& argv0) const {
  if (argv0.find('/') != std::string::npos) {
    argv0 = Resolve(argv0);
    if (!IsExecutableFile(argv0)) {
      return Error(node, path, fmt::format("{} is not an executable file", argv0));
    }
    return Status::Ok();
  }
  std::string_view dirs = kSearchPath;
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    std::string candidate = dir + "/" + argv0;
    if (IsExecutableFile(candidate)) {
      argv0 = candidate;
      return Status::Ok();
    }
  }
  return Error(node, path, fmt::format("{} not found in {}", argv0, kSearchPath));
}

Status ConfigReader::ReadPlaybook(const std::string& name, const YAML::Node& node,
                                  PlaybookConfig& pb) {
  std::string path = JoinKey("playbooks", name);
  REMEDIATOR_RETURN_IF_ERROR(
      Map(node, path, {"command", "timeout", "working_dir", "env", "parameters", "dry_run"}));
  pb.name = name;
  YAML::Node cmd = Get(node, "command");
  std::string cmd_key = JoinKey(path, "command");
  if (!Present(cmd)) return Error(node, cmd_key, "required (a list: program and arguments)");
  if (cmd.IsScalar()) {
    pb.command.push_back(cmd.Scalar());
  } else if (cmd.IsSequence()) {
    for (size_t i = 0; i < cmd.size(); ++i) {
      if (!cmd[i].IsScalar()) return Error(cmd[i], fmt::format("{}[{}]", cmd_key, i), "must be a string");
      pb.command.push_back(cmd[i].Scalar());
    }
  } else {
    return Error(cmd, cmd_key, "must be a list of strings");
  }
  if (pb.command.empty() || pb.command[0].empty()) return Error(cmd, cmd_key, "must name a program");
  REMEDIATOR_RETURN_IF_ERROR(ResolveCommand(cmd, cmd_key, pb.command[0]));
  REMEDIATOR_RETURN_IF_ERROR(Duration(node, path, "timeout", pb.timeout_ns));
  REMEDIATOR_RETURN_IF_ERROR(String(node, path, "working_dir", pb.working_dir));
  pb.working_dir = pb.working_dir.empty() ? folder_ : Resolve(pb.working_dir);
  REMEDIATOR_RETURN_IF_ERROR(ReadStringMap(Get(node, "env"), JoinKey(path, "env"), pb.env));
  for (const auto& [k, v] : pb.env) {
    if (!IsParamName(k)) {
      return Error(Get(node, "env"), JoinKey(JoinKey(path, "env"), k),
                   "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
    }
  }
  REMEDIATOR_RETURN_IF_ERROR(Bool(node, path, "dry_run", pb.dry_run));
  std::vector<std::pair<std::string, std::string>> params;
  std::string params_key = JoinKey(path, "parameters");
  YAML::Node pnode = Get(node, "parameters");
  REMEDIATOR_RETURN_IF_ERROR(ReadStringMap(pnode, params_key, params));
  for (auto& [pname, pattern] : params) {
    std::string key = JoinKey(params_key, pname);
    if (!IsParamName(pname)) {
      return Error(pnode[pname], key, "parameter names are [A-Za-z_][A-Za-z0-9_]*");
    }
    RE2::Options opts;
    opts.set_log_errors(false);
    auto re = std::make_shared<const re2::RE2>("^(?:" + pattern + ")$", opts);
    if (!re->ok()) return Error(pnode[pname], key, fmt::format("invalid RE2: {}", re->error()));
    pb.parameters.push_back(ParameterSpec{pname, pattern, std::move(re)});
  }
  return Status::Ok();
}

Status ConfigReader::ReadRoute(size_t index, const YAML::Node& node, const Config& cfg,
                               RouteConfig& route) {
  std::string path = fmt::format("routes[{}]", index);
  REMEDIATOR_RETURN_IF_ERROR(
      Map(node, path, {"matchers", "playbook", "confidence", "service", "parameters", "on_resolved"}));
  route.line = node.Mark().line + 1;
  YAML::Node ms = Get(node, "matchers");
  if (Present(ms)) {
    if (!ms.IsSequence()) return Error(ms, JoinKey(path, "matchers"), "must be a list of matchers");
    for (size_t i = 0; i < ms.size(); ++i) {
      std::string key = fmt::format("{}.matchers[{}]", path, i);
      if (!ms[i].IsScalar()) return Error(ms[i], key, "must be a string like 'alertname = \"X\"'");
      Result<LabelMatcher> m = alerts::ParseMatcher(ms[i].Scalar());
      if (!m.ok()) return Error(ms[i], key, m.status().message());
      route.matchers.push_back(std::move(m).value());
    }
  }
  REMEDIATOR_RETURN_IF_ERROR(String(node, path, "playbook", route.playbook));
  if (route.playbook.empty()) return Error(node, JoinKey(path, "playbook"), "required");
  const PlaybookConfig* pb = cfg.FindPlaybook(route.playbook);
  if (pb == nullptr) {
    return Error(Get(node, "playbook"), JoinKey(path, "playbook"),
                 fmt::format("unknown playbook \"{}\"", route.playbook));
  }
  REMEDIATOR_RETURN_IF_ERROR(Int(node, path, "confidence", route.confidence, 0, 100));
  REMEDIATOR_RETURN_IF_ERROR(String(node, path, "service", route.service));
  if (Result<ParamTemplate> t = ParamTemplate::Parse(route.service); !t.ok()) {
    return Error(Get(node, "service"), JoinKey(path, "service"), t.status().message());
  }
  REMEDIATOR_RETURN_IF_ERROR(Bool(node, path, "on_resolved", route.on_resolved));
  std::string params_key = JoinKey(path, "parameters");
  YAML::Node pnode = Get(node, "parameters");
  REMEDIATOR_RETURN_IF_ERROR(ReadStringMap(pnode, params_key, route.parameters));
  for (const auto& [pname, tmpl] : route.parameters) {
    std::string key = JoinKey(params_key, pname);
    bool declared = false;
    for (const ParameterSpec& spec : pb->parameters) declared = declared || spec.name == pname;
    if (!declared) {
      return Error(pnode[pname], key,
                   fmt::format("playbook \"{}\" declares no parameter \"{}\"", pb->name, pname));
    }
    if (Result<ParamTemplate> t = ParamTemplate::Parse(tmpl); !t.ok()) {
      return Error(pnode[pname], key, t.status().message());
    }
  }
  return Status::Ok();
}

Status ConfigReader::Read(const YAML::Node& root, Config& cfg) {
  if (!root.IsDefined() || root.IsNull()) {
    return InvalidArgument(fmt::format("{}: the config file is empty", ctx_.file));
  }
  REMEDIATOR_RETURN_IF_ERROR(Map(root, "",
                                 {"listen", "auth", "decision_log", "state", "dry_run",
                                  "min_confidence", "guards", "playbooks", "routes", "storage",
                                  "executor", "webhook",
                                  // Promtail's keys: kept for the pipeline, not read here.
                                  "server", "positions", "clients", "scrape_configs",
                                  "target_config", "limits_config", "global"}));
  // YAML::Node's operator= writes through to the referenced node; reset() rebinds.
  auto keep = [&](YAML::Node& dst, std::string_view key) {
    YAML::Node v = Get(root, key);
    if (v.IsDefined()) dst.reset(v);
  };
  cfg.root.reset(root);
  keep(cfg.promtail_server, "server");
  keep(cfg.positions, "positions");
  keep(cfg.clients, "clients");
  keep(cfg.scrape_configs, "scrape_configs");

  REMEDIATOR_RETURN_IF_ERROR(String(root, "", "listen", cfg.listen));
  if (cfg.listen.empty() || cfg.listen.rfind(':') == std::string::npos) {
    return Error(Get(root, "listen"), "listen", "must be host:port");
  }
  REMEDIATOR_RETURN_IF_ERROR(ReadAuth(Get(root, "auth"), cfg.auth));
  cfg.decision_log = "decision-log.jsonl";
  REMEDIATOR_RETURN_IF_ERROR(String(root, "", "decision_log", cfg.decision_log));
  cfg.decision_log = Resolve(cfg.decision_log);
  cfg.state = "state.db";
  REMEDIATOR_RETURN_IF_ERROR(String(root, "", "state", cfg.state));
  cfg.state = Resolve(cfg.state);
  REMEDIATOR_RETURN_IF_ERROR(Bool(root, "", "dry_run", cfg.dry_run));
  REMEDIATOR_RETURN_IF_ERROR(Int(root, "", "min_confidence", cfg.min_confidence, 0, 100));
  REMEDIATOR_RETURN_IF_ERROR(ReadGuards(Get(root, "guards"), cfg.guards));

  if (YAML::Node n = Get(root, "executor"); Present(n)) {
    REMEDIATOR_RETURN_IF_ERROR(
        Map(n, "executor", {"workers", "queue_size", "kill_grace", "output_limit"}));
    REMEDIATOR_RETURN_IF_ERROR(Int(n, "executor", "workers", cfg.executor.workers, 1, 256));
    REMEDIATOR_RETURN_IF_ERROR(Int(n, "executor", "queue_size", cfg.executor.queue_size, 0, 100000));
    REMEDIATOR_RETURN_IF_ERROR(Duration(n, "executor", "kill_grace", cfg.executor.kill_grace_ns));
    REMEDIATOR_RETURN_IF_ERROR(
        Int(n, "executor", "output_limit", cfg.executor.output_limit, 0, 1 << 20));
  }
  if (YAML::Node n = Get(root, "webhook"); Present(n)) {
    REMEDIATOR_RETURN_IF_ERROR(Map(n, "webhook", {"max_body_bytes"}));
    REMEDIATOR_RETURN_IF_ERROR(
        Int(n, "webhook", "max_body_bytes", cfg.webhook.max_body_bytes, 1, int64_t{1} << 30));
  }
  cfg.storage.path = "data";
  if (YAML::Node n = Get(root, "storage"); Present(n)) {
    REMEDIATOR_RETURN_IF_ERROR(Map(n, "storage", {"path", "retention"}));
    REMEDIATOR_RETURN_IF_ERROR(String(n, "storage", "path", cfg.storage.path));
    REMEDIATOR_RETURN_IF_ERROR(Duration(n, "storage", "retention", cfg.storage.retention_ns));
  }
  cfg.storage.path = Resolve(cfg.storage.path);

  if (YAML::Node n = Get(root, "playbooks"); Present(n)) {
    if (!n.IsMap()) return Error(n, "playbooks", "must be a map of name -> playbook");
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string name = it->first.Scalar();
      if (name.empty()) return Error(it->first, "playbooks", "a playbook needs a name");
      PlaybookConfig pb;
      REMEDIATOR_RETURN_IF_ERROR(ReadPlaybook(name, it->second, pb));
      cfg.playbooks.emplace(name, std::move(pb));
    }
  }
  if (YAML::Node n = Get(root, "routes"); Present(n)) {
    if (!n.IsSequence()) return Error(n, "routes", "must be a list of routes");
    for (size_t i = 0; i < n.size(); ++i) {
      RouteConfig route;
      REMEDIATOR_RETURN_IF_ERROR(ReadRoute(i, n[i], cfg, route));
      cfg.routes.push_back(std::move(route));
    }
  }
  return Status::Ok();
}

std::string AbsoluteFolderOf(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(fs::path(path), ec);
  if (ec) return ".";
  return abs.parent_path().lexically_normal().string();
}

}  // namespace

const PlaybookConfig* Config::FindPlaybook(std::string_view name) const {
  auto it = playbooks.find(std::string(name));
  return it == playbooks.end() ? nullptr : &it->second;
}

Result<Config> ParseConfig(std::string_view yaml, const std::string& name,
                           const std::string& folder) {
  REMEDIATOR_ASSIGN_OR_RETURN(YAML::Node root, ParseYaml(yaml, name));
  Config cfg;
  cfg.file = name;
  std::error_code ec;
  cfg.folder = folder.empty() ? fs::current_path(ec).string() : folder;
  ConfigReader reader(ConfigContext{name}, cfg.folder);
  try {
    REMEDIATOR_RETURN_IF_ERROR(reader.Read(root, cfg));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(fmt::format("{}:{}: {}", name, e.mark.line + 1, e.msg));
  }
  return cfg;
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("{}: cannot open config file", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseConfig(buf.str(), path, AbsoluteFolderOf(path));
}

}  // namespace remediator::remediation
