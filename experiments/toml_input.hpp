#pragma once
// What the experiment-file readers share (the [reproduce] table, experiments/reproduce_request.cpp;
// sweep files, experiments/experiment_file.cpp): reading and parsing a TOML file with errors
// that name the file and the line, errors at a key with a "did you mean", and paths relative
// to the file. Header-only: the fuzz build compiles the readers without this library.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "sim/error.hpp"
#include "sim/suggest.hpp"

namespace clustersim::toml_input {

inline toml::table parse(const std::string& text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw InputError::at(path, static_cast<long>(e.source().begin.line), "", std::string(e.description()));
  }
}

// The file's bytes; InputError naming it when it cannot be opened.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the experiment file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// InputError at the node's line naming `key`; with `known`, the closest known name as a
// suggestion, else the list of them.
[[noreturn]] inline void fail(const std::string& path, const toml::node& node, const std::string& key,
                              const std::string& what, const std::vector<std::string>& known) {
  std::string msg = what;
  if (!known.empty()) {
    const std::string near = closest_match(key.substr(key.rfind('.') + 1), known);
    if (!near.empty()) {
      msg += "; did you mean '" + near + "'?";
    } else {
      msg += " (known:";
      for (size_t i = 0; i < known.size(); ++i) msg += (i ? ", " : " ") + known[i];
      msg += ")";
    }
  }
  throw InputError::at(path, static_cast<long>(node.source().begin.line), key, msg);
}

// `p` as given when absolute, else relative to the folder of the file at `path`.
inline std::string relative_to_file(const std::string& path, const std::string& p) {
  const std::filesystem::path given(p);
  if (given.is_absolute()) return p;
  return (std::filesystem::path(path).parent_path() / given).lexically_normal().string();
}

}  // namespace clustersim::toml_input
