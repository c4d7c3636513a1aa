// lightningcss, one process per file (its -d mode flattens folders and
// overwrites same-named files, and a parse error aborts the whole process).
#pragma once

#include <filesystem>
#include <vector>

#include "assetpipe/options.h"
#include "transform/minify_job.h"
#include "util/result.h"

namespace assetpipe::transform {

// The browserslist query: --css-targets, else the "browserslist" key of the
// package.json nearest the input folder (searched upward), else "defaults".
std::string css_targets(const Options& options);

std::vector<std::string> lightningcss_flags(const std::string& targets);

// Runs lightningcss once on empty input: a query it cannot parse fails here once.
util::Result<util::Ok> check_lightningcss_flags(const RunnerSettings& settings,
                                                const std::string& targets);

// One output per input, in order; files run in parallel.
std::vector<MinifyOutput> run_lightningcss(const std::vector<MinifyInput>& inputs,
                                           const RunnerSettings& settings);

// Exposed for tests: the message and 1-based position of a lightningcss panic
// ("Error { kind: EndOfInput, loc: Some(ErrorLocation { ..., line: 1, column: 6 }) }").
MinifyOutput parse_lightningcss_failure(std::string_view stderr_text);

}  // namespace assetpipe::transform
