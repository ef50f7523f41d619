// Private to core/: the throwing form of an operation, written once. `call` is the non-throwing
// form with an `ec` in scope; the throwing form runs it and throws what ec holds.
#pragma once

#include <system_error>

#include "socksim/errors.hpp"

#define SOCKSIM_THROWING(name, call) \
  std::error_code ec;                \
  auto result = call;                \
  ::socksim::throw_error(ec, name);  \
  return result

#define SOCKSIM_THROWING_VOID(name, call) \
  std::error_code ec;                     \
  call;                                   \
  ::socksim::throw_error(ec, name)
