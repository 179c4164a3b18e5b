#pragma once
// The message of the InputError a call raises ("no error" when it raises none): tests compare
// error texts exactly.
#include <string>

#include "sim/error.hpp"

namespace clustersim::testing {

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace clustersim::testing
