#pragma once
// Strong integer ids. A JobId indexes the engine's job table (jobs are numbered 0..n-1 in
// arrival order); a NodeId indexes the cluster's node table. Neither is the trace's own job
// number (that is JobSpec::trace_id).
#include <compare>
#include <cstdint>
#include <functional>

namespace clustersim {

template <class Tag>
class StrongId {
 public:
  constexpr StrongId() = default;
  constexpr explicit StrongId(uint32_t v) : v_(v) {}
  constexpr uint32_t value() const { return v_; }
  constexpr auto operator<=>(const StrongId&) const = default;
  static constexpr StrongId invalid() { return StrongId(UINT32_MAX); }
  constexpr bool valid() const { return v_ != UINT32_MAX; }

 private:
  uint32_t v_ = UINT32_MAX;
};

using JobId = StrongId<struct JobTag>;
using NodeId = StrongId<struct NodeTag>;

}  // namespace clustersim

template <class Tag>
struct std::hash<clustersim::StrongId<Tag>> {
  size_t operator()(clustersim::StrongId<Tag> id) const noexcept { return id.value(); }
};
