#pragma once
// Simulated time: a strong integer type counting microseconds since the workload's origin.
// Integer time makes event ordering exact and reproducible on any machine (no float ties).
#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

namespace clustersim {

class Time {
 public:
  constexpr Time() = default;
  static constexpr Time from_us(int64_t us) { return Time(us); }
  static constexpr Time from_seconds(int64_t s) { return Time(s * kUsPerSecond); }
  // Rounds up to the next microsecond so that work is never finished early.
  static Time from_seconds_ceil(double s) {
    return Time(static_cast<int64_t>(std::ceil(s * static_cast<double>(kUsPerSecond))));
  }
  static constexpr Time max() { return Time(std::numeric_limits<int64_t>::max()); }
  static constexpr Time zero() { return Time(0); }

  constexpr int64_t us() const { return us_; }
  constexpr double seconds() const { return static_cast<double>(us_) / kUsPerSecond; }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Time o) const { return Time(us_ + o.us_); }
  constexpr Time operator-(Time o) const { return Time(us_ - o.us_); }
  constexpr Time& operator+=(Time o) { us_ += o.us_; return *this; }
  constexpr Time& operator-=(Time o) { us_ -= o.us_; return *this; }
  constexpr Time operator*(int64_t k) const { return Time(us_ * k); }

  static constexpr int64_t kUsPerSecond = 1'000'000;

 private:
  constexpr explicit Time(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

}  // namespace clustersim
