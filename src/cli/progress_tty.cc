#include "cli/progress_tty.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace assetpipe::cli {

bool use_color() {
  const char* force = std::getenv("FORCE_COLOR");
  if (force && std::strcmp(force, "0") != 0 && std::strcmp(force, "false") != 0) return true;
  const char* no = std::getenv("NO_COLOR");
  if (no && *no) return false;
  const char* term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(STDERR_FILENO) == 1;
}

bool TtyProgress::enabled_for(const Options& options) {
  if (options.verbosity == Verbosity::Quiet) return false;
  const char* term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(STDERR_FILENO) == 1;
}

TtyProgress::TtyProgress(const Options& options) : enabled_(enabled_for(options)) {
  if (!enabled_) return;
  progress::set_sink(this);
  thread_ = std::thread([this] { loop(); });
}

TtyProgress::~TtyProgress() { finish(); }

void TtyProgress::finish() {
  if (!enabled_) return;
  progress::set_sink(nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!last_line_.empty()) std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  enabled_ = false;
}

void TtyProgress::stage(std::string_view name, size_t total) {
  std::lock_guard lock(mutex_);
  stage_ = name;
  total_ = total;
  file_.clear();
  done_ = 0;
}

void TtyProgress::started(std::string_view file) {
  std::lock_guard lock(mutex_);
  file_ = file;
}

void TtyProgress::done(size_t count) { done_ += count; }

void TtyProgress::loop() {
  // ASSETPIPE_PROGRESS_MS (undocumented) lets the tests redraw faster.
  long ms = 250;
  if (const char* e = std::getenv("ASSETPIPE_PROGRESS_MS")) ms = std::max(1L, std::atol(e));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(ms));
    if (stopping_) break;
    draw();
  }
}

void TtyProgress::draw() {  // mutex_ held
  if (stage_.empty()) return;
  std::string line = fmt::format("assetpipe: {} {}/{}", stage_, done_.load(), total_);
  if (!file_.empty()) line += "  " + file_;
  struct winsize ws {};
  size_t width = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 ? ws.ws_col : 80;
  if (line.size() >= width) line = line.substr(0, width - 1);
  if (line == last_line_) return;
  last_line_ = line;
  std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
  std::fflush(stderr);
}

}  // namespace assetpipe::cli
