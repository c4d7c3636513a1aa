// Helpers for tests: temporary folders, running the assetpipe binary, hashing trees.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace assetpipe::test {

// A fresh folder under $TMPDIR, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs the built assetpipe binary with `args` (argv, no shell). The output
// of a successful `build` (with -o, not --dry-run) is then checked with
// `assetpipe verify`, a test failure if rejected, unless the build warned
// about a reference it left as is. The build uses no cache unless `env`
// sets ASSETPIPE_NO_CACHE=0.
RunResult run_assetpipe(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {});

// Runs any program (argv[0] searched in PATH).
RunResult run_program(const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env = {});

std::string read(const std::filesystem::path& p);

// A sparse file: `head`, a hole of `hole_bytes`, then `tail`.
void write_sparse(const std::filesystem::path& p, const std::string& head, long hole_bytes,
                  const std::string& tail);
void write(const std::filesystem::path& p, const std::string& bytes);

// Relative path -> bytes of every regular file under root (symlinks not followed).
std::map<std::string, std::string> snapshot(const std::filesystem::path& root);

// Copies a fixture tree (fixtures/<name>) into dest.
void copy_fixture(const std::string& name, const std::filesystem::path& dest);

std::filesystem::path fixtures_dir();
std::filesystem::path assetpipe_bin();

}  // namespace assetpipe::test
