// The error categories and the one place an error_code becomes an exception.
#include "socksim/errors.hpp"

#include <cstring>
#include <string>
#include <utility>

#include "socksim/constants.hpp"

namespace socksim {
namespace {

class SocksimCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "socksim"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::timeout: return "timed out";
      case errc::value_error: return "invalid value";
      case errc::overflow_error: return "value out of range";
      case errc::type_error: return "argument of the wrong type";
      case errc::deadlock: return "deadlock: every task is blocked and no timer is pending";
      case errc::foreign_thread: return "called from a thread the simulation does not own";
    }
    return "unknown socksim error " + std::to_string(value);
  }
};

// EAI_* texts as glibc's gai_strerror gives them (Linux values).
class GaiCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "gaierror"; }
  std::string message(int value) const override {
    switch (value) {
      case -1: return "Bad value for ai_flags";
      case -2: return "Name or service not known";
      case -3: return "Temporary failure in name resolution";
      case -4: return "Non-recoverable failure in name resolution";
      case -5: return "No address associated with hostname";
      case -6: return "ai_family not supported";
      case -7: return "ai_socktype not supported";
      case -8: return "Servname not supported for ai_socktype";
      case -9: return "Address family for hostname not supported";
      case -10: return "Memory allocation failure";
      case -11: return "System error";
      case -12: return "Argument buffer overflow";
    }
    return "Unknown error " + std::to_string(value);
  }
};

// h_errno texts as glibc's hstrerror gives them.
class HerrorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "herror"; }
  std::string message(int value) const override {
    switch (value) {
      case 0: return "Resolver Error 0 (no error)";
      case 1: return "Unknown host";
      case 2: return "Host name lookup failure";
      case 3: return "Unknown server error";
      case 4: return "No address associated with name";
    }
    return "Unknown resolver error";
  }
};

thread_local std::string error_detail;

std::string with_context(const char* context, const std::error_code& ec) {
  std::string out = context ? context : "";
  if (!out.empty()) out += ": ";
  out += ec.message();
  return out;
}

}  // namespace

const std::error_category& socksim_category() noexcept {
  static const SocksimCategory category;
  return category;
}
const std::error_category& gai_category() noexcept {
  static const GaiCategory category;
  return category;
}
const std::error_category& herror_category() noexcept {
  static const HerrorCategory category;
  return category;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), socksim_category()}; }

void throw_error(const std::error_code& ec, const char* context) {
  if (!ec) return;
  const auto& cat = ec.category();
  const std::string what = context ? context : "";
  if (cat == gai_category()) throw GaiError(ec, what);
  if (cat == herror_category()) throw HostError(ec, what);
  if (cat == socksim_category()) {
    switch (static_cast<errc>(ec.value())) {
      case errc::timeout: throw Timeout(what);
      case errc::deadlock: {
        std::string message = with_context(context, ec);
        if (!error_detail.empty()) message = what + ": " + std::exchange(error_detail, {});
        throw Deadlock(message);
      }
      case errc::value_error: throw ValueError(with_context(context, ec));
      case errc::overflow_error: throw OverflowError(with_context(context, ec));
      case errc::type_error: throw TypeError(with_context(context, ec));
      case errc::foreign_thread: throw Error(ec, what);
    }
  }
  throw Error(ec, what);
}

void set_error_detail(std::string detail) { error_detail = std::move(detail); }

std::string error_name(const std::error_code& ec) {
  if (!ec) return "";
  const auto& cat = ec.category();
  if (cat == gai_category()) {
    auto n = constant_name("EAI", ec.value());
    return "gaierror:" + (n.empty() ? std::to_string(ec.value()) : std::string(n));
  }
  if (cat == herror_category()) {
    auto n = constant_name("herror", ec.value());
    return "herror:" + (n.empty() ? std::to_string(ec.value()) : std::string(n));
  }
  if (cat == socksim_category()) {
    switch (static_cast<errc>(ec.value())) {
      case errc::timeout: return "timeout";
      case errc::value_error: return "value_error";
      case errc::overflow_error: return "overflow_error";
      case errc::type_error: return "type_error";
      case errc::deadlock: return "deadlock";
      case errc::foreign_thread: return "foreign_thread";
    }
    return "socksim:" + std::to_string(ec.value());
  }
  auto n = errno_name(ec.value());
  return n.empty() ? "errno:" + std::to_string(ec.value()) : std::string(n);
}

}  // namespace socksim
