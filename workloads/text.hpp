#pragma once
// Locale-independent number formatting shared by the workloads library (error messages,
// workload names, the statistics block). printf-style formatting depends on the C locale;
// std::to_chars does not.
#include <cstddef>
#include <string>

namespace clustersim::text {

// Shortest text that reads back as the same double ("0.1", "256", "1e-07").
std::string shortest(double v);
// Fixed notation with `decimals` digits after the point ("3.14").
std::string fixed(double v, int decimals);
// Left-pads (right-aligns) s to `width` characters.
std::string pad_left(const std::string& s, std::size_t width);
// Right-pads (left-aligns) s to `width` characters.
std::string pad_right(const std::string& s, std::size_t width);

}  // namespace clustersim::text
