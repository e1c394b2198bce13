// The values a template works with: Go's text/template is dynamically typed, and Loki's
// functions take and return strings, integers, floats, booleans and times.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/go_time.h"

namespace remediator::logql::tmpl {

class Value;
// An ordered map (Go ranges over map keys in sorted order; keep it sorted).
using ValueMap = std::vector<std::pair<std::string, Value>>;
using ValueList = std::vector<Value>;

class Value {
 public:
  enum class Kind {
    kNil,     // Go's nil / a missing value
    kString,  // a string (borrowed view or owned)
    kInt,     // int64
    kFloat,   // float64
    kBool,    // bool
    kTime,    // time.Time: Unix nanoseconds, and the zone it prints in (UTC when none)
    kList,    // a slice, for range
    kMap,     // a map, for range and field access
  };

  Value() = default;
  // A borrowed string: the caller keeps the bytes alive for the value's lifetime.
  static Value View(std::string_view s) {
    Value v;
    v.kind_ = Kind::kString;
    v.view_ = s;
    return v;
  }
  static Value String(std::string s) {
    Value v;
    v.kind_ = Kind::kString;
    v.owned_ = std::move(s);
    v.owns_ = true;
    return v;
  }
  static Value Int(int64_t i) {
    Value v;
    v.kind_ = Kind::kInt;
    v.int_ = i;
    return v;
  }
  static Value Float(double f) {
    Value v;
    v.kind_ = Kind::kFloat;
    v.float_ = f;
    return v;
  }
  static Value Bool(bool b) {
    Value v;
    v.kind_ = Kind::kBool;
    v.int_ = b ? 1 : 0;
    return v;
  }
  static Value Time(int64_t ns, std::shared_ptr<const TimeZone> zone = nullptr) {
    Value v;
    v.kind_ = Kind::kTime;
    v.int_ = ns;
    v.zone_ = std::move(zone);
    return v;
  }
  static Value List(ValueList items) {
    Value v;
    v.kind_ = Kind::kList;
    v.list_ = std::make_shared<const ValueList>(std::move(items));
    return v;
  }
  static Value Map(ValueMap items) {
    Value v;
    v.kind_ = Kind::kMap;
    v.map_ = std::make_shared<const ValueMap>(std::move(items));
    return v;
  }

  Kind kind() const { return kind_; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  // REQUIRES: kind() == kString
  std::string_view str() const { return owns_ ? std::string_view(owned_) : view_; }
  int64_t int_value() const { return int_; }
  double float_value() const { return float_; }
  bool bool_value() const { return int_ != 0; }
  int64_t time_ns() const { return int_; }
  // REQUIRES: kind() == kTime. The zone a time prints in; nullptr for UTC.
  const TimeZone* time_zone() const { return zone_.get(); }
  const ValueList& list() const { return *list_; }
  const ValueMap& map() const { return *map_; }

  // Go's notion of truth: false, 0, nil, and empty strings, lists and maps are false.
  bool Truthy() const;
  // Appends the value as Go's fmt %v would print it.
  void AppendTo(std::string& out) const;
  std::string ToString() const {
    std::string s;
    AppendTo(s);
    return s;
  }

 private:
  Kind kind_ = Kind::kNil;
  bool owns_ = false;
  std::string_view view_;
  std::string owned_;
  int64_t int_ = 0;
  double float_ = 0;
  std::shared_ptr<const ValueList> list_;
  std::shared_ptr<const ValueMap> map_;
  std::shared_ptr<const TimeZone> zone_;
};

// Go's strconv.FormatFloat(f, 'g', -1, 64), which is what %v prints for a float64
// ("1e+06", "0.5", "123456", "NaN", "+Inf").
void AppendGoFloat(std::string& out, double f);

}  // namespace remediator::logql::tmpl
