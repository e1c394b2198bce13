// The value of a metric expression over all evaluation steps: either a scalar per step or a
// set of series with a value (or a gap) per step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/labels.h"

namespace remediator::logql::eval {

struct StepSeries {
  Labels labels;
  std::vector<double> v;     // one per step
  std::vector<uint8_t> has;  // 1 where v is a point, 0 for a gap
};

struct StepValue {
  bool is_scalar = false;
  std::vector<double> scalar;  // one per step when is_scalar
  std::vector<StepSeries> series;
  bool ordered = false;  // the series order is meaningful (sort, topk)
};

// A canonical key for a label set (names and values separated by bytes that cannot occur
// in names).
std::string LabelsKey(const Labels& labels);

}  // namespace remediator::logql::eval
