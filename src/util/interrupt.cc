#include "util/interrupt.h"

#include <signal.h>

#include <atomic>

#include "assetpipe/error.h"
#include "util/file.h"

namespace assetpipe::util {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) { g_interrupted.store(true); }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  // A file-size limit (ulimit -f) makes the write that passes it fail with
  // EFBIG, reported as an error naming the file, instead of killing the build.
  signal(SIGXFSZ, SIG_IGN);
}

bool interrupted() { return g_interrupted.load(std::memory_order_relaxed); }

void throw_if_interrupted() {
  if (interrupted()) throw Error("interrupted; the previous output is untouched");
}

StagingGuard::StagingGuard(std::filesystem::path path) : path_(std::move(path)) {}

StagingGuard::~StagingGuard() {
  if (!path_.empty()) remove_tree(path_);
}

void StagingGuard::release() { path_.clear(); }

}  // namespace assetpipe::util
