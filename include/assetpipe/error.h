// The exceptions that stop a build, in a header of their own so that the
// stages include it without reaching back up to the top-level API (build.h).
#pragma once

#include <stdexcept>

namespace assetpipe {

// A failure that stops the build. The message names the file and says what to do.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A usage error (bad flag combination, output inside input): exit status 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace assetpipe
