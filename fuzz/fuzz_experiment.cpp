// libFuzzer target: the experiment-file reader ([reproduce] table). Bad input may only raise
// InputError naming the file.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "experiments/reproduce.hpp"
#include "sim/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)clustersim::parse_reproduce_experiment(text, "fuzz.toml");
  } catch (const clustersim::InputError& e) {
    if (std::string(e.what()).rfind("fuzz.toml", 0) != 0) std::abort();  // must name the file
  }
  return 0;
}
