// assetpipe's command line: parses flags (layered over ASSETPIPE_* variables
// and the config file) into Options, runs the build, turns errors into a
// message and an exit status (0 ok, 1 build failed, 2 usage).
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "assetpipe/build.h"
#include "cache/cache.h"
#include "cli/build_info.h"
#include "cli/config.h"
#include "cli/options_cli.h"
#include "cli/progress_tty.h"
#include "cli/report.h"
#include "snapshot.h"
#include "util/file.h"
#include "util/interrupt.h"
#include "verify/verify.h"

extern char** environ;

namespace assetpipe::cli {
namespace {

struct VerifyArgs {
  std::string output;
  std::string base;
  std::string manifest;
  std::string report;
  bool quiet = false;
};

struct CacheArgs {
  std::string action;  // stats, clean
  std::string input;
  std::string dir;
};

struct Parsed {
  std::unique_ptr<CLI::App> app;
  CLI::App* build = nullptr;
  CLI::App* verify = nullptr;
  CLI::App* cache = nullptr;
  CacheArgs cache_args;
  VerifyArgs verify_args;
  Options options;
  CliState state;
  bool version = false;
  int version_verbose = 0;
  std::string config_path;
};

std::unique_ptr<Parsed> make_parser() {
  auto p = std::make_unique<Parsed>();
  p->app = std::make_unique<CLI::App>(
      "assetpipe: make a frontend build directory ready for a CDN origin", "assetpipe");
  p->app->require_subcommand(0, 1);
  p->app->add_flag("--version", p->version, "Print the version and exit");
  p->app->add_flag("-v", p->version_verbose, "With --version: also the external tools found");
  p->build = p->app->add_subcommand("build", "Process <input> into <output>");
  add_build_options(*p->build, p->options, p->state);
  p->build->add_option("--config", p->config_path,
                       "Config file (default: assetpipe.config.json beside the input, else the "
                       "\"assetpipe\" key of the nearest package.json)");
  p->verify = p->app->add_subcommand(
      "verify", "Check a built or deployed output: references, hashed names, .br/.gz, manifests "
                "and nginx snippets agree with its files (exit 0 or 1)");
  p->verify->add_option("output", p->verify_args.output, "The output folder of assetpipe build")
      ->required();
  p->verify->add_option("--base", p->verify_args.base,
                        "The --base it was built with (default: from its nginx snippet, else /)");
  p->verify->add_option("--manifest", p->verify_args.manifest,
                        "The manifest, when the build wrote it elsewhere (build --manifest)");
  p->verify->add_option("--report", p->verify_args.report, "Also print the problems as json")
      ->check(CLI::IsMember({"json"}));
  p->verify->add_flag("-q,--quiet", p->verify_args.quiet, "Print only the problems");
  p->cache = p->app->add_subcommand(
      "cache", "Show (stats) or empty (clean) the local cache of builds of <input>");
  p->cache->add_option("action", p->cache_args.action, "stats|clean")
      ->required()
      ->check(CLI::IsMember({"stats", "clean"}));
  p->cache->add_option("input", p->cache_args.input,
                       "The input folder whose default cache to use (default: the current folder)");
  p->cache->add_option("--cache-dir", p->cache_args.dir,
                       "The cache folder (default: as `assetpipe build` picks it; "
                       "ASSETPIPE_CACHE_DIR)");
  return p;
}

// assetpipe verify: problems as file:line:col: error: message on stderr,
// sorted; --report json puts them on stdout too.
int run_verify(const VerifyArgs& args) {
  verify::VerifyOptions o;
  o.output = args.output;
  o.base = args.base;
  if (!args.manifest.empty()) o.manifest = args.manifest;
  Diagnostics problems;
  verify::VerifyStats stats;
  try {
    stats = verify::verify_output(o, problems);
  } catch (const Error& e) {
    std::cerr << "assetpipe: error: " << e.what() << "\n";
    return 1;
  }
  auto sorted = problems.sorted();
  for (const auto& d : sorted) std::cerr << d.format() << "\n";
  std::string summary = fmt::format(
      "{} files, {} references, {} hashed names, {} encodings, {} manifests, {} nginx snippets",
      stats.files, stats.references, stats.names, stats.encodings, stats.manifests,
      stats.snippets);
  if (args.report == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : sorted) {
      list.push_back({{"file", d.file}, {"line", d.line}, {"column", d.column},
                      {"message", d.message}});
    }
    nlohmann::json report = {{"output", util::printable(args.output)},
                             {"ok", sorted.empty()},
                             {"problems", list},
                             {"checked",
                              {{"files", stats.files},
                               {"references", stats.references},
                               {"names", stats.names},
                               {"encodings", stats.encodings},
                               {"manifests", stats.manifests},
                               {"snippets", stats.snippets}}}};
    std::cout << report.dump(2) << "\n";
  }
  if (!sorted.empty()) {
    std::cerr << fmt::format("assetpipe verify: {} problem{} in {} (checked {})\n", sorted.size(),
                             sorted.size() == 1 ? "" : "s", util::printable(args.output), summary);
    return 1;
  }
  if (!args.quiet) {
    std::cerr << fmt::format("assetpipe verify: {} ok ({})\n", util::printable(args.output),
                             summary);
  }
  return 0;
}

// assetpipe cache stats|clean: the folder from --cache-dir, else
// ASSETPIPE_CACHE_DIR, else the default for the input.
int run_cache(const CacheArgs& args) {
  std::filesystem::path dir = args.dir;
  if (dir.empty()) {
    if (const char* env = std::getenv("ASSETPIPE_CACHE_DIR"); env && *env) dir = env;
  }
  if (dir.empty()) dir = cache::default_dir(args.input.empty() ? "." : args.input);
  if (args.action == "clean") {
    size_t snapshots = snapshot::clean(dir);
    std::cout << cache::clean(dir);
    if (snapshots > 0) std::cout << fmt::format("removed {} build snapshots\n", snapshots);
  } else {
    auto u = snapshot::usage(dir);
    std::cout << cache::stats_text(dir)
              << fmt::format("build snapshots: {} ({:.1f} MiB of hard links to outputs)\n",
                             u.snapshots, static_cast<double>(u.bytes) / (1 << 20));
  }
  return 0;
}

std::vector<OptionInfo> option_infos(const CLI::App& build) {
  std::vector<OptionInfo> out;
  for (const CLI::Option* o : build.get_options()) {
    OptionInfo info;
    if (o->get_positional() && o->get_lnames().empty()) {
      info.name = o->get_name();  // "input"
    } else if (!o->get_lnames().empty()) {
      info.name = o->get_lnames().front();
    } else {
      continue;
    }
    if (info.name == "help" || info.name == "config") continue;
    info.is_flag = o->get_items_expected_max() == 0;
    info.is_vector =
        !info.is_flag && o->get_items_expected_max() >= CLI::detail::expected_max_vector_size;
    out.push_back(info);
  }
  return out;
}

int parse_error(const CLI::App& app, const CLI::Error& e) {
  if (dynamic_cast<const CLI::CallForHelp*>(&e) || dynamic_cast<const CLI::CallForAllHelp*>(&e)) {
    return app.exit(e);
  }
  app.exit(e);
  return 2;
}

int run(int argc, char** argv) {
  // Pass 1: what did the command line give?
  auto first = make_parser();
  try {
    first->app->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return parse_error(*first->app, e);
  }
  if (first->version) {
    std::cout << "assetpipe " << ASSETPIPE_VERSION << "\n";
    if (first->version_verbose > 0) {
      print_tool_versions(std::cout);
      print_build_info(std::cout);
    }
    return 0;
  }
  if (*first->verify) return run_verify(first->verify_args);
  if (*first->cache) return run_cache(first->cache_args);
  if (!*first->build) {
    std::cerr << first->app->help();
    return 2;
  }

  Diagnostics diags;
  auto second = make_parser();
  Printer printer(second->options);
  try {
    // Pass 2: the command line, then ASSETPIPE_* variables and the config file
    // for every option it did not give.
    std::optional<ConfigFile> config = first->config_path.empty()
                                           ? find_config(first->options.input)
                                           : load_config_file(first->config_path);
    std::set<std::string> given;
    for (const CLI::Option* o : first->build->get_options()) {
      if (o->count() == 0) continue;
      given.insert(o->get_lnames().empty() ? o->get_name() : o->get_lnames().front());
    }
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    std::vector<std::string> extra =
        layered_arguments(option_infos(*first->build), given, config, env);
    std::vector<std::string> args(argv, argv + argc);
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> cargs;
    for (auto& a : args) cargs.push_back(a.data());
    try {
      second->app->parse(static_cast<int>(cargs.size()), cargs.data());
    } catch (const CLI::ParseError& e) {
      if (!extra.empty()) {
        std::cerr << "assetpipe: error: in the options from "
                  << "the ASSETPIPE_* environment"
                  << (config ? " or " + config->path.string() : std::string()) << ": ";
      }
      return parse_error(*second->app, e);
    }
    Options& options = second->options;
    finish_options(options, second->state);
    util::install_interrupt_handlers();
    TtyProgress progress(options);
    // The report file is created before the build so that a path that cannot
    // be written stops it before the output is replaced.
    std::optional<util::AtomicFile> report_file;
    if (options.report_file) {
      check_paths(options);
      auto f = util::AtomicFile::create(*options.report_file);
      if (!f) throw Error(f.error() + "; nothing was built");
      report_file.emplace(std::move(*f));
    }
    BuildResult result = build(options, diags);
    progress.finish();
    printer.diagnostics(diags);
    if (auto r = printer.summary(result, report_file ? &*report_file : nullptr); !r) {
      printer.fatal(r.error() + " (the output was written; only the report is missing)");
      return 1;
    }
    return diags.error_count() > 0 ? 1 : 0;
  } catch (const UsageError& e) {
    printer.diagnostics(diags);
    printer.fatal(e.what());
    return 2;
  } catch (const Error& e) {
    printer.diagnostics(diags);
    printer.fatal(e.what());
    return 1;
  } catch (const std::exception& e) {
    printer.diagnostics(diags);
    printer.fatal(fmt::format("internal error: {} (please report this)", e.what()));
    return 1;
  }
}

}  // namespace
}  // namespace assetpipe::cli

int main(int argc, char** argv) {
  // A build allocates and frees many payloads of a few MiB from several
  // threads: glibc's sliding mmap threshold would serve them from per-thread
  // arenas that keep the freed memory (the RSS grows with the site). A fixed
  // threshold gives blocks of 256 KiB and more back to the system when freed.
  // MALLOC_MMAP_THRESHOLD_ in the environment still wins.
  if (!std::getenv("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, 256 << 10);
  return assetpipe::cli::run(argc, argv);
}
