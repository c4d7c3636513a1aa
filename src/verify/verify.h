// `assetpipe verify OUTPUT`: checks a built (or deployed) output from the
// files alone, for CI after a build or a deploy step:
//   - every reference in every served text file resolves to a file of the
//     output (the link stage's scanners and resolver, against the output);
//   - every hashed name matches its content under the naming rule
//     (link/naming.h), variants and source map included;
//   - every integrity attribute of a page holds for the file its tag loads;
//   - every .br/.gz decodes to the file beside it;
//   - the manifest, the framework manifests it lists and the nginx snippets
//     agree with the tree.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "assetpipe/diagnostics.h"

namespace assetpipe::verify {

struct VerifyOptions {
  std::filesystem::path output;
  // The --base the output was built with; empty: read from the nginx
  // snippet's header, else "/".
  std::string base;
  // The manifest when it was written elsewhere (build --manifest).
  std::optional<std::filesystem::path> manifest;
};

struct VerifyStats {
  size_t files = 0;       // files of the output looked at
  size_t references = 0;  // references resolved
  size_t names = 0;       // hashed names recomputed
  size_t encodings = 0;   // .br/.gz decoded
  size_t manifests = 0;   // manifests compared with the tree (assetpipe's, frameworks')
  size_t snippets = 0;    // nginx snippets compared
};

// Adds one error per problem to `problems` (file = the output path joined
// with the file's output-relative path; line:col where there is one).
// Throws Error when the output is not a folder.
VerifyStats verify_output(const VerifyOptions& options, Diagnostics& problems);

}  // namespace assetpipe::verify
