#pragma once
// A 65 MB SWF text for benchmarks: tests/data/lublin_256.swf repeated 100 times. Copy c keeps
// every line's layout but shifts submit times by c * 10,000,000 s (the log spans < 7.8e6 s,
// so the copies do not overlap and the text stays in submit order) and renumbers jobs
// 1..1,000,000. Built once per process; header-only so that any bench can use it.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace clustersim::bench {

inline std::string make_repeated_swf(const std::string& path, int copies,
                                     long long shift_seconds) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string src = ss.str();

  std::vector<std::string_view> header, records;
  for (size_t pos = 0; pos < src.size();) {
    size_t nl = src.find('\n', pos);
    if (nl == std::string::npos) nl = src.size();
    std::string_view line(src.data() + pos, nl - pos);
    pos = nl + 1;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    (line[first] == ';' ? header : records).push_back(line);
  }
  const long long total = static_cast<long long>(records.size()) * copies;

  std::string out;
  out.reserve(src.size() * static_cast<size_t>(copies) + 256);
  for (std::string_view h : header) {
    if (h.starts_with("; MaxJobs:")) {
      out += "; MaxJobs: " + std::to_string(total) + "\n";
    } else if (h.starts_with("; MaxRecords:")) {
      out += "; MaxRecords: " + std::to_string(total) + "\n";
    } else {
      out.append(h).append("\n");
    }
  }
  long long id = 0;
  char buf[64];
  for (int c = 0; c < copies; ++c) {
    for (std::string_view line : records) {
      // Replace the first two fields (job number, submit time); keep the rest verbatim.
      size_t i = line.find_first_not_of(" \t");
      i = line.find_first_of(" \t", i);               // end of field 1
      size_t j = line.find_first_not_of(" \t", i);    // start of field 2
      size_t k = line.find_first_of(" \t", j);        // end of field 2
      const long long submit = std::stoll(std::string(line.substr(j, k - j)));
      const int n = std::snprintf(buf, sizeof buf, "%-7lld %9lld", ++id,
                                  submit + c * shift_seconds);
      out.append(buf, static_cast<size_t>(n)).append(line.substr(k)).append("\n");
    }
  }
  return out;
}

// lublin_256.swf x 100: 1,000,000 records.
inline const std::string& lublin100_text() {
  static const std::string text =
      make_repeated_swf(CLUSTERSIM_TEST_DATA_DIR "/lublin_256.swf", 100, 10'000'000);
  return text;
}

}  // namespace clustersim::bench
