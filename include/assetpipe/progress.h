// Progress events from the stages, for a client that wants to show them (the
// CLI draws one line on a TTY). Thread-safe; without a sink they cost nothing.
#pragma once

#include <cstddef>
#include <string_view>

namespace assetpipe::progress {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void stage(std::string_view name, size_t total) = 0;
  virtual void started(std::string_view file) = 0;  // a long job began on `file`
  virtual void done(size_t count) = 0;              // `count` more items finished
};

void set_sink(Sink* sink);  // nullptr to stop
void stage(std::string_view name, size_t total);
void started(std::string_view file);
void done(size_t count = 1);

}  // namespace assetpipe::progress
