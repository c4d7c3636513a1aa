// The members of a top-level JSON object, located without building a document:
// for the source maps the link step edits (a few small members such as "file",
// "sources" and "mappings") next to a large one it never reads
// ("sourcesContent"). The whole text is checked to be valid JSON (RFC 8259) in
// one pass; the edited members are spliced in and everything else is kept byte
// for byte.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace assetpipe::util::json {

struct Member {
  std::string key;     // decoded
  size_t value_begin;  // the value's bytes in the text: [value_begin, value_end)
  size_t value_end;
};

class Members {
 public:
  // Fails when `text` is not valid JSON or not an object.
  static Result<Members> of(std::string_view text);

  // The value's JSON text of the last member named `key` (a later duplicate wins,
  // as in nlohmann::json), or nullopt.
  std::optional<std::string_view> raw(std::string_view key) const;
  const std::vector<Member>& all() const { return members_; }

  // The text with each named member's value replaced by the given JSON text;
  // a key that is absent is added first in the object.
  std::string with(const std::map<std::string, std::string>& values) const;

 private:
  std::string_view text_;
  size_t open_ = 0;  // offset of the object's '{'
  std::vector<Member> members_;
};

}  // namespace assetpipe::util::json
