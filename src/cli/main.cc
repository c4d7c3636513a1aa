// assetpipe's command line: parses flags into Options, runs the build, turns
// errors into a message and an exit status (0 ok, 1 build failed, 2 usage).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "assetpipe/build.h"
#include "cli/options_cli.h"
#include "cli/report.h"
#include "util/interrupt.h"

int main(int argc, char** argv) {
  using namespace assetpipe;
  CLI::App app{"assetpipe: make a frontend build directory ready for a CDN origin", "assetpipe"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  int version_verbose = 0;
  app.add_flag("--version", show_version, "Print the version and exit");
  app.add_flag("-v", version_verbose, "With --version: also the external tools found");

  Options options;
  cli::CliState state;
  CLI::App* build_cmd = app.add_subcommand("build", "Process <input> into <output>");
  cli::add_build_options(*build_cmd, options, state);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (show_version) {
    std::cout << "assetpipe " << ASSETPIPE_VERSION << "\n";
    if (version_verbose > 0) cli::print_tool_versions(std::cout);
    return 0;
  }
  if (!*build_cmd) {
    std::cerr << app.help();
    return 2;
  }

  Diagnostics diags;
  cli::Printer printer(options);
  try {
    cli::finish_options(options, state);
    util::install_interrupt_handlers();
    BuildResult result = build(options, diags);
    printer.diagnostics(diags);
    printer.summary(result);
    if (diags.error_count() > 0) return 1;
    return 0;
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
