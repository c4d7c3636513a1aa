#include "assetpipe/progress.h"

#include <atomic>

namespace assetpipe::progress {
namespace {
std::atomic<Sink*> g_sink{nullptr};
}

void set_sink(Sink* sink) { g_sink.store(sink); }

void stage(std::string_view name, size_t total) {
  if (Sink* s = g_sink.load()) s->stage(name, total);
}

void started(std::string_view file) {
  if (Sink* s = g_sink.load()) s->started(file);
}

void done(size_t count) {
  if (Sink* s = g_sink.load()) s->done(count);
}

}  // namespace assetpipe::progress
