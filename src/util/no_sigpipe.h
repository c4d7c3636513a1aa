// Keeps SIGPIPE from killing the process while this thread writes to a
// socket whose peer is gone (a remote cache server that died mid-request):
// the write then fails with EPIPE, which the caller reports. hiredis writes
// with write(2), and libcurl leaves SIGPIPE to the application under
// CURLOPT_NOSIGNAL. SIGPIPE from a write is sent to the writing thread, so
// blocking it here (and taking back one raised meanwhile) is enough.
#pragma once

#include <pthread.h>
#include <signal.h>
#include <time.h>

namespace assetpipe::util {

class NoSigpipe {
 public:
  NoSigpipe() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~NoSigpipe() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        timespec zero{0, 0};
        sigtimedwait(&pipe_, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  NoSigpipe(const NoSigpipe&) = delete;
  NoSigpipe& operator=(const NoSigpipe&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

}  // namespace assetpipe::util
