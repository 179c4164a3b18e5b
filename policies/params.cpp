#include "policies/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sim/error.hpp"

namespace clustersim {

std::string PolicyParams::where(const std::string& key) const {
  return "policy " + policy_ + ": parameter '" + key + "'";
}

std::string PolicyParams::get_string(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

std::string PolicyParams::get_choice(const std::string& key, const std::string& fallback,
                                     const std::vector<std::string>& choices) const {
  std::string v = get_string(key, fallback);
  if (std::find(choices.begin(), choices.end(), v) != choices.end()) return v;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  throw InputError(where(key) + ": expected one of " + list + ", got '" + v + "'");
}

int64_t PolicyParams::get_int(const std::string& key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& s = it->second;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    throw InputError(where(key) + ": expected an integer, got '" + s + "'");
  return v;
}

double PolicyParams::get_double(const std::string& key, double fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& s = it->second;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
    throw InputError(where(key) + ": expected a number, got '" + s + "'");
  return v;
}

bool PolicyParams::get_bool(const std::string& key, bool fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& s = it->second;
  if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "0" || s == "no" || s == "off") return false;
  throw InputError(where(key) + ": expected true or false, got '" + s + "'");
}

void PolicyParams::reject_unknown(const std::vector<std::string>& known) const {
  for (const auto& [k, v] : values_) {
    if (std::find(known.begin(), known.end(), k) != known.end()) continue;
    std::string msg = "policy " + policy_ + ": unknown parameter '" + k + "'";
    std::string near = closest_match(k, known);
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    else if (known.empty()) msg += " (it takes no parameters)";
    else {
      msg += " (known:";
      for (const auto& n : known) msg += " " + n;
      msg += ")";
    }
    throw InputError(msg);
  }
}

std::map<std::string, std::string> parse_param_list(const std::string& text) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find(',', i);
    if (j == std::string::npos) j = text.size();
    std::string item = text.substr(i, j - i);
    if (!item.empty()) {
      size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0)
        throw InputError("--param: expected key=value, got '" + item + "'");
      out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    i = j + 1;
  }
  return out;
}

}  // namespace clustersim
