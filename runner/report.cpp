// Text, JSON and JUnit reports.
#include "runner/report.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace socksim::runner {

namespace {

std::string fixed(double seconds, int digits = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, seconds);
  return buf;
}

std::string failure_place(const ScenarioReport& r, const BackendResult& b) {
  if (!b.step) return r.file;
  return r.file + ":step " + std::to_string(*b.step) + " (" + b.op + ")";
}

}  // namespace

// ---- text ---------------------------------------------------------------------------------------

std::string TextReport::paint(const char* code, const std::string& text) const {
  if (!colour_) return text;
  return std::string("\033[") + code + "m" + text + "\033[0m";
}

void TextReport::scenario(const ScenarioReport& r) {
  // Backends in run order: sim before real.
  std::vector<const BackendResult*> order;
  for (const char* name : {"sim", "real"})
    if (auto it = r.results.find(name); it != r.results.end()) order.push_back(&it->second);
  for (const auto& [name, b] : r.results)
    if (name != "sim" && name != "real") order.push_back(&b);

  for (const BackendResult* b : order) {
    std::string label;
    switch (b->status) {
      case Status::Pass: label = paint("32", "PASS"); break;
      case Status::Fail: label = paint("1;31", "FAIL"); break;
      case Status::Skip: label = paint("33", "SKIP"); break;
    }
    std::string backend = b->backend;
    backend.resize(std::max<std::size_t>(backend.size(), 4), ' ');
    out_ << label << " " << backend << " " << r.name;
    if (b->status == Status::Pass) out_ << "  (" << fixed(b->seconds) << " s)";
    if (b->status == Status::Skip) out_ << "  (" << b->message << ")";
    out_ << "\n";
    if (b->status == Status::Fail) {
      out_ << "     " << failure_place(r, *b) << ": " << b->message << "\n";
      if (!b->expected.is_null()) out_ << "       expected: " << render_text(b->expected) << "\n";
      if (!b->got.is_null()) out_ << "       got:      " << render_text(b->got) << "\n";
      if (b->seed) out_ << "       seed:     " << *b->seed << "\n";
    }
  }
  if (r.divergence) {
    out_ << paint("1;35", "DIVERGED") << " " << r.name << "\n"
         << "     " << r.file << ":step " << r.divergence->step << " (" << r.divergence->op
         << "): " << r.divergence->message << "\n";
  }
  out_.flush();
}

void TextReport::summary(const Summary& s) {
  if (s.diverged > 0)
    out_ << s.diverged << (s.diverged == 1 ? " scenario" : " scenarios")
         << " diverged between the backends (counted as failed)\n";
  out_ << s.passed << " passed, " << s.failed << " failed, " << s.skipped << " skipped\n";
  out_.flush();
}

std::string step_line(const std::string& backend, const Step& step, const StepRecord& rec) {
  std::string out = "  [" + backend + "] step " + std::to_string(step.index) + " " + step.op;
  if (!step.sock.empty()) out += " " + step.sock;
  if (!step.file.empty()) out += " " + step.file;
  switch (rec.outcome.kind) {
    case Outcome::Kind::Value: out += " -> " + render_text(rec.outcome.value); break;
    case Outcome::Kind::Error: out += " -> error " + rec.outcome.error + " (" + rec.outcome.message + ")"; break;
    case Outcome::Kind::Failure: out += " -> could not run: " + rec.outcome.message; break;
  }
  out += "  (" + fixed(rec.elapsed) + " s)";
  return out;
}

// ---- JSON ---------------------------------------------------------------------------------------

nlohmann::json json_report(const std::vector<ScenarioReport>& reports, const std::vector<std::string>& backends) {
  json scenarios = json::array();
  for (const auto& r : reports) {
    json results = json::object();
    for (const auto& [backend, b] : r.results) {
      json x = {{"status", status_name(b.status)}, {"seconds", b.seconds}};
      if (b.status == Status::Fail) {
        x["step"] = b.step ? json(*b.step) : json(nullptr);
        x["op"] = b.op;
        x["expected"] = render(b.expected);
        x["got"] = render(b.got);
        x["message"] = b.message;
      } else if (b.status == Status::Skip) {
        x["message"] = b.message;
      }
      if (b.seed) x["seed"] = *b.seed;
      results[backend] = std::move(x);
    }
    json s = {{"name", r.name}, {"file", r.file}, {"results", std::move(results)}};
    if (backends.size() == 2) {
      s["diverged_at"] = r.divergence ? json(r.divergence->step) : json(nullptr);
      if (r.divergence) {
        s["divergence"] = {{"step", r.divergence->step},
                           {"op", r.divergence->op},
                           {backends[0], r.divergence->first},
                           {backends[1], r.divergence->second},
                           {"message", r.divergence->message}};
      }
    }
    scenarios.push_back(std::move(s));
  }
  const Summary sum = summarize(reports, backends);
  json summary = json::object();
  for (const auto& [backend, counts] : sum.per_backend) summary[backend] = counts;
  json out = {{"scenarios", std::move(scenarios)}, {"summary", std::move(summary)}};
  if (backends.size() == 2) out["diverged"] = sum.diverged;
  return out;
}

// ---- JUnit --------------------------------------------------------------------------------------

namespace {

// Text fit for XML 1.0: markup escaped, characters XML cannot hold written as \uXXXX, invalid
// UTF-8 replaced by U+FFFD.
std::string xml_escape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (len == 0 || i + len > s.size() || !valid_utf8(s.substr(i, len))) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out += s.substr(i, len);
    i += len;
  }
  return out;
}

std::string attr(const char* name, const std::string& value) { return std::string(" ") + name + "=\"" + xml_escape(value) + "\""; }

}  // namespace

std::string junit_report(const std::vector<ScenarioReport>& reports, const std::vector<std::string>& backends) {
  const Summary sum = summarize(reports, backends);
  std::ostringstream body;
  int total_tests = 0, total_failures = 0, total_skipped = 0;
  double total_time = 0;
  for (const auto& backend : backends) {
    std::ostringstream cases;
    int tests = 0, failures = 0, skipped = 0;
    double time = 0;
    for (const auto& r : reports) {
      auto it = r.results.find(backend);
      if (it == r.results.end()) continue;
      const BackendResult& b = it->second;
      ++tests;
      time += b.seconds;
      cases << "    <testcase" << attr("name", r.name) << attr("classname", "socksim." + backend) << attr("file", r.file)
            << attr("time", fixed(b.seconds)) << ">";
      if (b.status == Status::Fail) {
        ++failures;
        std::string detail = failure_place(r, b) + ": " + b.message;
        if (!b.expected.is_null()) detail += "\nexpected: " + render_text(b.expected);
        if (!b.got.is_null()) detail += "\ngot:      " + render_text(b.got);
        if (b.seed) detail += "\nseed:     " + std::to_string(*b.seed);
        cases << "\n      <failure" << attr("message", b.message) << attr("type", "fail") << ">" << xml_escape(detail)
              << "</failure>\n    ";
      } else if (b.status == Status::Skip) {
        ++skipped;
        cases << "\n      <skipped" << attr("message", b.message) << "/>\n    ";
      }
      cases << "</testcase>\n";
    }
    body << "  <testsuite" << attr("name", backend) << attr("tests", std::to_string(tests))
         << attr("failures", std::to_string(failures)) << attr("errors", "0") << attr("skipped", std::to_string(skipped))
         << attr("time", fixed(time)) << ">\n"
         << cases.str() << "  </testsuite>\n";
    total_tests += tests;
    total_failures += failures;
    total_skipped += skipped;
    total_time += time;
  }
  if (backends.size() == 2) {
    std::ostringstream cases;
    int tests = 0, failures = 0;
    for (const auto& r : reports) {
      if (!r.compared) continue;
      ++tests;
      cases << "    <testcase" << attr("name", r.name) << attr("classname", "socksim.divergence") << attr("file", r.file)
            << attr("time", "0") << ">";
      if (r.divergence) {
        ++failures;
        cases << "\n      <failure"
              << attr("message", "diverged at step " + std::to_string(r.divergence->step) + " (" + r.divergence->op + ")")
              << attr("type", "divergence") << ">" << xml_escape(r.divergence->message) << "</failure>\n    ";
      }
      cases << "</testcase>\n";
    }
    body << "  <testsuite" << attr("name", "divergence") << attr("tests", std::to_string(tests))
         << attr("failures", std::to_string(failures)) << attr("errors", "0") << attr("skipped", "0")
         << attr("time", "0") << ">\n"
         << cases.str() << "  </testsuite>\n";
    total_tests += tests;
    total_failures += failures;
  }
  (void)sum;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites" << attr("name", "socksim") << attr("tests", std::to_string(total_tests))
      << attr("failures", std::to_string(total_failures)) << attr("errors", "0")
      << attr("skipped", std::to_string(total_skipped)) << attr("time", fixed(total_time)) << ">\n"
      << body.str() << "</testsuites>\n";
  return out.str();
}

}  // namespace socksim::runner
