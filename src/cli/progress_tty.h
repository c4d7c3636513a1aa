// One progress line on a terminal, redrawn at most four times a second:
// stage, files done/total, the file in work. Nothing at all when stderr is
// not a terminal (CI logs, pipes), with -q, or with TERM=dumb.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "assetpipe/options.h"
#include "assetpipe/progress.h"

namespace assetpipe::cli {

class TtyProgress : public progress::Sink {
 public:
  explicit TtyProgress(const Options& options);
  ~TtyProgress() override;
  TtyProgress(const TtyProgress&) = delete;
  TtyProgress& operator=(const TtyProgress&) = delete;

  void stage(std::string_view name, size_t total) override;
  void started(std::string_view file) override;
  void done(size_t count) override;
  // Stops drawing and erases the line.
  void finish();

  static bool enabled_for(const Options& options);

 private:
  void loop();
  void draw();

  bool enabled_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string stage_, file_;
  size_t total_ = 0;
  std::atomic<size_t> done_{0};
  std::string last_line_;
  std::thread thread_;
};

// True when messages may use colour: FORCE_COLOR set (not "0"), or stderr is
// a terminal and NO_COLOR is unset.
bool use_color();

}  // namespace assetpipe::cli
