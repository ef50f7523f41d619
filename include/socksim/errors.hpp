// socksim/errors.hpp - the seed's exception hierarchy and the error codes behind it.
//
// Every fallible operation has two forms (asio's pattern): a non-throwing overload that takes a
// `std::error_code&` and does the work, and a throwing overload that wraps it. Error codes come
// in four categories:
//   - std::generic_category(): errno values (Linux's numbers) -> `Error`
//   - gai_category():          EAI_* codes (Linux's negative numbers) -> `GaiError`
//   - herror_category():       h_errno codes (HOST_NOT_FOUND, ...) -> `HostError`
//   - socksim_category():      `errc` below: timeout, value/overflow/type errors, deadlock
// `throw_error` is the one place an error_code becomes an exception.
#pragma once

#include <stdexcept>
#include <string>
#include <system_error>

namespace socksim {

// Conditions that are not errno values: the seed's socket.timeout and the Python built-in
// exceptions its functions raise for bad arguments, plus the sim's deadlock.
enum class errc {
  timeout = 1,     // socket.timeout: "timed out"
  value_error,     // ValueError: negative timeout, nbytes larger than the buffer, bad length, ...
  overflow_error,  // OverflowError: port outside 0..65535, htons outside 0..65535, ...
  type_error,      // TypeError: an argument of the wrong kind for the operation
  deadlock,        // sim only: every task blocked and no timer pending
  foreign_thread,  // sim only: a call from a thread the simulation does not own
};

const std::error_category& socksim_category() noexcept;
const std::error_category& gai_category() noexcept;
const std::error_category& herror_category() noexcept;

std::error_code make_error_code(errc e) noexcept;

// An errno value as an error_code (std::generic_category).
inline std::error_code errno_code(int value) noexcept { return {value, std::generic_category()}; }
inline std::error_code gai_code(int eai) noexcept { return {eai, gai_category()}; }
inline std::error_code herror_code(int h_errno_value) noexcept { return {h_errno_value, herror_category()}; }

// socket.error: carries an errno value (or, for the subclasses, their own code).
class Error : public std::system_error {
 public:
  using std::system_error::system_error;
  // The errno value for a plain Error; the EAI / h_errno / errc value for subclasses.
  int value() const noexcept { return code().value(); }
};

// socket.herror: address-related errors of the h_errno family (gethostbyname_ex, gethostbyaddr).
class HostError : public Error {
 public:
  using Error::Error;
};

// socket.gaierror: errors of getaddrinfo/getnameinfo, with an EAI_* code.
class GaiError : public Error {
 public:
  using Error::Error;
};

// socket.timeout: "timed out".
class Timeout : public Error {
 public:
  Timeout() : Error(make_error_code(errc::timeout)) {}
  explicit Timeout(const std::string& what) : Error(make_error_code(errc::timeout), what) {}
};

// Sim only: every task is blocked and no timer is pending. The message names each task, the
// call it waits in and the socket.
class Deadlock : public Error {
 public:
  // `report` is the whole message (the sim's deadlock report); empty gives the category's text.
  explicit Deadlock(const std::string& report)
      : Error(make_error_code(errc::deadlock)), message_(report.empty() ? code().message() : report) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// The Python built-ins the seed's functions raise for bad arguments.
class ValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};
class OverflowError : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};
class TypeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Throws the exception that matches `ec`'s category (see the file comment); `context` names the
// operation ("connect", "getaddrinfo", ...) and leads the message. Does nothing when !ec.
void throw_error(const std::error_code& ec, const char* context);

// A backend may attach a longer explanation to the error it is about to report on this thread
// (the sim's deadlock report, naming every task and what it waits for); the next throw_error of
// that condition on this thread puts it in the exception's message.
void set_error_detail(std::string detail);

// The name of an error for reports: "ECONNREFUSED", "timeout", "gaierror:EAI_NONAME",
// "herror:HOST_NOT_FOUND", "value_error", ... (the scenario format's spelling).
std::string error_name(const std::error_code& ec);

}  // namespace socksim

template <>
struct std::is_error_code_enum<socksim::errc> : std::true_type {};
